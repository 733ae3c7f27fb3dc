using System.Linq;
using System.Text.RegularExpressions;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// <c>BackwardSpanIntoParameters</c> hands the backward kernel each parameter's storage as its gradient
/// buffer, so the generator emits it only when every backward step reading a parameter comes before the
/// first step writing its gradient (Emit/ParameterWriteOrder), and puts parameter-gradient steps last
/// (Lowering: nothing reads them) so that most layers qualify.
/// </summary>
public sealed class BackwardIntoParametersTests
{
    private static string Generate(string members, string forward) => DemoLayer.Generate("int n", members, forward);

    private static string BackwardKernel(string source)
    {
        // The run-time-bounded kernel class is the only one here, and its Backward its last member.
        int start = source.IndexOf("public static void Backward(", System.StringComparison.Ordinal);
        Assert.True(start >= 0);
        return source[start..];
    }

    [Fact]
    public void A_weight_read_for_the_input_gradient_is_read_before_its_gradient_is_written()
    {
        // y = x·W·W: the input's gradient reads W twice (dY·Wᵀ, then ·Wᵀ again); W's gradient has two
        // contributions. Every step writing weightGrad comes after every step reading weight.
        string source = Generate("[Parameter] Tensor weight = Tensor.Randn(n, n);", "x.MatMul(weight).MatMul(weight)");
        string backward = BackwardKernel(source);
        // Code only: after the signature (which names both), without comments and the CheckedMode messages.
        var lines = backward.Split('\n').Skip(1).Select(l => Regex.Replace(Regex.Replace(l, "\"[^\"]*\"", "\"\""), "//.*", "")).ToArray();
        int lastRead = lines.Select((l, i) => (l, i)).Where(p => Regex.IsMatch(p.l, @"\bweight\b")).Max(p => p.i);
        // A guard that only asks whether a gradient is wanted (`if (!weightGrad.IsEmpty || ...)`) writes nothing.
        int firstWrite = lines.Select((l, i) => (l, i))
            .Where(p => Regex.IsMatch(Regex.Replace(p.l, @"!\w+\.IsEmpty", ""), @"\bweightGrad\b"))
            .Min(p => p.i);
        Assert.True(lastRead < firstWrite, $"weight read at line {lastRead}, its gradient written from line {firstWrite}:\n{backward}");
        Assert.Contains("public bool CanBackwardIntoParameters => true;", source);
        // Its own storage as its gradient buffer, unless frozen (then an empty span: no update).
        Assert.Matches(@"Backward\(__n_n, rows, input, weight\.Data, output, outputGrad, inputGrad, weight\.RequiresGrad \? weight\.Data : null, false, saved\);", source);
    }

    [Fact]
    public void A_gradient_step_that_reads_its_parameter_gets_no_member()
    {
        // d(x + s·s)/ds = 2·s·Σ dy: the step writing shiftGrad reads shift.
        string source = Generate("[Parameter] Tensor shift = Tensor.Randn(n);", "x + shift * shift");
        Assert.Matches(@"shiftGrad \+= \(\w+ \* shift", source);
        Assert.DoesNotContain("BackwardSpanIntoParameters", source);
        Assert.DoesNotContain("CanBackwardIntoParameters", source);
    }

    [Fact]
    public void Two_parameters_are_checked_for_being_one_tensor_at_run_time()
    {
        string source = Generate("[Parameter] Tensor scale = Tensor.Randn(n);\n    [Parameter] Tensor shift = Tensor.Randn(n);", "x * scale + shift");
        Assert.Contains("public bool CanBackwardIntoParameters => !(ReferenceEquals(scale, shift));", source);
        Assert.Contains("if (ReferenceEquals(scale, shift)) throw new InvalidOperationException(", source);
    }
}
