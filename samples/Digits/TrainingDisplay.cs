using System;
using LayerGen;
using Spectre.Console;

namespace Digits;

/// <summary>
/// Runs <see cref="TrainerFitExtensions.Fit"/> with a live progress bar (Spectre.Console) in a terminal,
/// or with one plain line per epoch when the output is redirected to a file or a pipe.
/// </summary>
internal static class TrainingDisplay
{
    public static TrainingProgress[] Fit(Trainer trainer, MiniBatches batches, int epochs, Func<double> evaluate, LearningRateSchedule schedule)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            return trainer.Fit(batches, epochs, new SyncProgress(PrintEpoch), evaluate, schedule);
        }

        TrainingProgress[] history = [];
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Describe(default, null), maxValue: epochs * batches.BatchCount);
                double? heldOut = null;
                history = trainer.Fit(batches, epochs, new SyncProgress(p =>
                {
                    heldOut = p.HeldOutAccuracy ?? heldOut;
                    task.Value = (p.Epoch - 1) * p.Batches + p.Batch;
                    task.Description = Describe(p, heldOut);
                }), evaluate, schedule);
            });
        return history;
    }

    private static string Describe(TrainingProgress p, double? heldOut) =>
        $"epoch {p.Epoch,2}/{p.Epochs}  loss [yellow]{p.Loss,6:F4}[/]  held-out accuracy [green]{(heldOut is double a ? a.ToString("P1") : "   -  "),7}[/]";

    private static void PrintEpoch(TrainingProgress p)
    {
        if (p.HeldOutAccuracy is double accuracy)
        {
            Console.WriteLine($"epoch {p.Epoch,2}/{p.Epochs}  loss {p.Loss:F4}  held-out accuracy {accuracy,7:P1}  {p.Elapsed.TotalSeconds,5:F2} s");
        }
    }

    /// <summary>Reports on the training thread, in order (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
