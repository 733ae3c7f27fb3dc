using System;
using System.Globalization;
using System.Linq;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>
/// Runs every case once with lr = 1 and compares, so the timings compare the same computation: the hand
/// version's and the eager path's forward output, loss, and gradients (for the hand version: the
/// implied gradient, parameter before − after the SGD step) against LayerGen's.
/// </summary>
public static class SelfCheck
{
    private const float OutputTolerance = 2e-4f;   // max |difference| / max |LayerGen value|
    private const float GradientTolerance = 2e-3f; // implied gradients lose ~1e-7·|parameter| to rounding

    /// <summary>
    /// Checks the selected cases; false on any mismatch, and false (saying so) when the selection holds no
    /// case at all: a check that checked nothing has not shown that anything matches.
    /// </summary>
    public static bool Run(Func<CaseBase>[] factories, CaseSelection selection)
    {
        bool ok = true;
        int checkedCases = 0;
        Console.WriteLine($"self-check of the hand-written {HandIsa.Name} versions and the eager path against LayerGen ({selection.Description})");
        foreach (var factory in factories)
        {
            var c = factory();
            if (!selection.Includes(c.GetType().Name))
            {
                continue;
            }

            checkedCases++;
            Console.WriteLine($"[{c.GetType().Name}] {c.Title}");
            Console.WriteLine($"  kernels: {c.Kernels}");
            Console.WriteLine($"  step:    {c.StepDescription}");
            try
            {
                ok &= CheckOne(c);
                if (factory() is TrainedCase fresh)
                {
                    ok &= CheckInBackward(fresh);
                }
            }
            catch (Exception e)
            {
                Console.WriteLine($"  FAILED with {e.GetType().Name}: {e.Message}");
                ok = false;
            }
        }

        if (checkedCases == 0)
        {
            Console.WriteLine($"self-check: NO CASE SELECTED by {selection.Description}: nothing was checked (case names: Case1a … Case8)");
            return false;
        }

        Console.WriteLine(ok
            ? $"self-check: all hand-written ({HandIsa.Name}) and eager results match LayerGen's in {checkedCases} case{(checkedCases == 1 ? "" : "s")}"
            : "self-check: MISMATCH (see above)");
        return ok;
    }

    private static bool CheckOne(CaseBase c)
    {
        bool ok = true;
        c.LayerGenForward();
        c.HandForward();
        c.EagerForward();
        var lgOut = c.LayerGenOutput();
        ok &= Close("  forward  hand  vs LayerGen", lgOut, c.HandOutput(), OutputTolerance);
        ok &= Close("  forward  eager vs LayerGen", lgOut, c.EagerOutput(), OutputTolerance);

        var parameters = c.Parameters();
        var before = parameters.Select(p => p.LayerGen.ToArray()).ToArray();
        for (int i = 0; i < parameters.Count; i++)
        {
            ok &= Close($"  initial  {parameters[i].Name,-10} hand == LayerGen", before[i], parameters[i].HandTorchLayout(), 0f);
            ok &= Close($"  initial  {parameters[i].Name,-10} eager == LayerGen", before[i], parameters[i].Eager.ToArray(), 0f);
        }

        float lgLoss = c.LayerGenStep();
        float handLoss = c.HandStep();
        float eagerLoss = c.EagerStep();
        ok &= Close("  loss     hand  vs LayerGen", [lgLoss], [handLoss], OutputTolerance);
        ok &= Close("  loss     eager vs LayerGen", [lgLoss], [eagerLoss], OutputTolerance);
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            var lgGrad = p.LayerGen.Grad?.ToArray() ?? throw new InvalidOperationException($"{p.Name}: LayerGen left no gradient");
            var eagerGrad = p.Eager.Grad?.ToArray() ?? throw new InvalidOperationException($"{p.Name}: eager left no gradient");
            var handImplied = ImpliedGradient(before[i], p.HandTorchLayout(), c.Lr);
            var lgImplied = ImpliedGradient(before[i], p.LayerGen.ToArray(), c.Lr);
            ok &= Close($"  grad     {p.Name,-10} hand  vs LayerGen", lgGrad, handImplied, GradientTolerance);
            ok &= Close($"  grad     {p.Name,-10} eager vs LayerGen", lgGrad, eagerGrad, GradientTolerance);
            ok &= Close($"  sgd      {p.Name,-10} LayerGen update = lr·grad", lgGrad, lgImplied, GradientTolerance);
        }

        if (c.InputGradients() is var (lgDx, handDx, eagerDx))
        {
            ok &= Close("  grad     input      hand  vs LayerGen", lgDx, handDx, OutputTolerance);
            ok &= Close("  grad     input      eager vs LayerGen", lgDx, eagerDx, OutputTolerance);
        }

        return ok;
    }

    /// <summary>The update-in-backward step on a fresh case: the same update as the hand version's step.</summary>
    private static bool CheckInBackward(TrainedCase c)
    {
        bool ok = true;
        var parameters = c.Parameters();
        var before = parameters.Select(p => p.LayerGen.ToArray()).ToArray();
        float lgLoss = c.LayerGenInBackwardStep();
        float handLoss = c.HandStep();
        ok &= Close("  in-bwd   loss hand vs LayerGen", [lgLoss], [handLoss], OutputTolerance);
        for (int i = 0; i < parameters.Count; i++)
        {
            var handImplied = ImpliedGradient(before[i], parameters[i].HandTorchLayout(), c.Lr);
            var lgImplied = ImpliedGradient(before[i], parameters[i].LayerGen.ToArray(), c.Lr);
            ok &= Close($"  in-bwd   {parameters[i].Name,-10} update hand vs LayerGen", lgImplied, handImplied, GradientTolerance);
        }

        return ok;
    }

    /// <summary>The gradient an SGD step implies: (parameter before − after) / lr.</summary>
    private static float[] ImpliedGradient(float[] before, float[] after, float lr)
    {
        var implied = new float[before.Length];
        for (int j = 0; j < implied.Length; j++)
        {
            implied[j] = (before[j] - after[j]) / lr;
        }

        return implied;
    }

    private static bool Close(string what, ReadOnlySpan<float> reference, ReadOnlySpan<float> actual, float tolerance)
    {
        if (reference.Length != actual.Length)
        {
            Console.WriteLine($"{what}: MISMATCH, lengths {reference.Length} and {actual.Length}");
            return false;
        }

        float scale = 0f, worst = 0f;
        bool finite = true;
        for (int i = 0; i < reference.Length; i++)
        {
            scale = MathF.Max(scale, MathF.Abs(reference[i]));
            worst = MathF.Max(worst, MathF.Abs(reference[i] - actual[i]));
            finite &= float.IsFinite(reference[i]) && float.IsFinite(actual[i]);
        }

        float relative = scale == 0f ? worst : worst / scale;
        bool ok = finite && (tolerance == 0f ? worst == 0f : relative <= tolerance);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {(ok ? "ok" : "MISMATCH")} (max |diff| {worst:G3}, relative {relative:G3}, over {reference.Length} values, max |value| {scale:G3})"));
        return ok;
    }
}
