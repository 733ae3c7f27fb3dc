using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// A layer whose input features nothing pins is shape-agnostic (every element a row), unless an op reading an axis
/// (<c>x.Softmax(-1)</c>, <c>x.Sum(-1)</c>) makes its last dimension a run-time size (RunTimeFeaturesLayerTests).
/// A slice of an axis counted from the end (<c>x.Narrow(-1, 0, 2)</c>) does so too (RunTimeStructuralTests); another
/// structural op reading an axis there (a transpose) would land on the batch, not on the real last axes eager code
/// would use: that is LG0005 with the fix (declare the input), not a silently different result.
/// </summary>
public sealed class UnknownFeaturesDiagnosticTests
{
    [Theory]
    [InlineData("x.Transpose(-1, -2)")]
    public void LG0005_a_structural_op_on_an_input_whose_features_are_unknown(string body)
    {
        DiagnosticAssert.Reports(
            $$"""
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Undeclared
            {
                Tensor Forward(Tensor x) => {|LG0005:{{body}}|};
            }
            """,
            $"Shape mismatch in '{body}': axis -1 of [*] is the batch itself: this layer's input features are unknown, so declare them, e.g. [Layer(Input = \"[*, n]\")]");
    }

    /// <summary>
    /// With the features known, a negative axis can still land on the batch (of the input or of a value
    /// reduced to one number per row): the message must not ask to declare an input that is declared.
    /// </summary>
    [Theory]
    [InlineData("x.Sum(-2)", "[*, 3]")]
    [InlineData("x.Narrow(-2, 0, 1)", "[*, 3]")]
    [InlineData("x.Sum(-1).Softmax(-1)", "[*]")]
    public void LG0005_a_negative_axis_on_the_batch_of_a_layer_whose_features_are_declared(string body, string shape)
    {
        string axis = body.Contains("-2", System.StringComparison.Ordinal) ? "-2" : "-1";
        DiagnosticAssert.Reports(
            $$"""
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, 3]")]
            public partial class Declared
            {
                Tensor Forward(Tensor x) => {|LG0005:{{body}}|};
            }
            """,
            $"Shape mismatch in '{body}': axis {axis} of {shape} is the batch, which a negative axis cannot name: the batch may be several dimensions (axis 0 names it when there is one)");
    }
}
