using System.Linq;
using LayerGen;
using ScottPlot;
using SkiaSharp;

namespace Digits;

/// <summary>The training curve as a PNG (ScottPlot, headless): training loss on the left axis, held-out accuracy on the right.</summary>
internal static class TrainingChart
{
    /// <summary>
    /// Whether SkiaSharp finds any font. Its Linux build without dependencies reads font files from
    /// /usr/share/fonts (no fontconfig); with none there, the chart is drawn without its text.
    /// </summary>
    public static bool HasFonts => SKTypeface.Default.GlyphCount > 0;

    public static void Save(TrainingProgress[] history, string path)
    {
        double[] epochs = history.Select(p => (double)p.Epoch).ToArray();
        double[] loss = history.Select(p => p.Loss).ToArray();
        double[] accuracy = history.Select(p => 100 * (p.HeldOutAccuracy ?? double.NaN)).ToArray();

        var plot = new Plot();
        if (SKFontManager.Default.FontFamilies.Contains("DejaVu Sans"))
        {
            plot.Font.Set("DejaVu Sans"); // Debian's fonts-dejavu-core; ScottPlot's own guess (Fonts.Sans) finds a serif font there
        }

        plot.Title("Digits: an MLP 64 → 64 → 10 trained with LayerGen");

        var lossLine = plot.Add.Scatter(epochs, loss, Colors.C0);
        lossLine.LegendText = "training loss (cross-entropy)";
        lossLine.LineWidth = 2;

        var accuracyLine = plot.Add.Scatter(epochs, accuracy, Colors.C1);
        accuracyLine.LegendText = "held-out accuracy (%)";
        accuracyLine.LineWidth = 2;
        accuracyLine.Axes.YAxis = plot.Axes.Right;

        var target = plot.Add.HorizontalLine(96, 1, Colors.C1, LinePattern.Dashed);
        target.Axes.YAxis = plot.Axes.Right;
        target.LegendText = "target: 96 % held-out";

        plot.Axes.Bottom.Label.Text = "epoch";
        plot.Axes.Left.Label.Text = "training loss";
        plot.Axes.Left.Label.ForeColor = Colors.C0;
        plot.Axes.Right.Label.Text = "held-out accuracy (%)";
        plot.Axes.Right.Label.ForeColor = Colors.C1;
        plot.Axes.SetLimitsY(0, loss.Max() * 1.05, plot.Axes.Left);
        plot.Axes.SetLimitsY(System.Math.Min(accuracy.Min(), 96) - 2, 100, plot.Axes.Right);
        plot.Axes.SetLimitsX(0.5, history.Length + 0.5);
        plot.ShowLegend(Edge.Bottom);

        plot.SavePng(path, 900, 540);
    }
}
