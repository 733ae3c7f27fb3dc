using System.Linq;
using System.Text.RegularExpressions;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The op graph shares identical nodes (Ir/Graph.Add): a repeated subexpression is computed once in the
/// kernels, while nodes that must stay distinct (two dropout draws) do.
/// </summary>
public sealed class CommonSubexpressionTests
{
    private static string Generate(string forward) => DemoLayer.Generate("int n", "[Parameter] Tensor bias = Tensor.Randn(n);", forward);

    // The kernels' comments name each computed buffer: "// sub1 = (input - bias) ...".
    private static int Computations(string source, string what) =>
        Regex.Matches(source, @"// \w+ \+?= " + Regex.Escape(what)).Count;

    [Fact]
    public void A_repeated_subexpression_is_computed_once_per_kernel()
    {
        // (x - b) three times is one node with three readers, so it is computed once into a buffer
        // (written separately, each would be a single-reader value fused inline into its consumer).
        string once = Generate("(x - bias) * (x - bias) + Ops.Tanh(x - bias)");
        string distinct = Generate("(x - bias) * (bias - x) + Ops.Tanh(x + bias)");

        Assert.Equal(1, Computations(once, "(input - bias)"));
        Assert.Contains("// output = (sub1 * sub1 + tanh1)", once);
        Assert.Equal(1, Computations(distinct, "(input - bias)"));
        Assert.Equal(1, Computations(distinct, "(bias - input)"));
    }

    [Fact]
    public void Two_dropouts_of_the_same_input_draw_two_masks()
    {
        string source = Generate("Ops.Dropout(x, 0.5f) + Ops.Dropout(x, 0.5f)");
        Assert.Equal(2, Regex.Matches(source, @"KernelMath\.DropoutMask\(").Count);
    }
}
