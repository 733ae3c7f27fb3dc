using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// What stays refused around hyperparameters (issue 16's first slice): a scalar from something the kernels cannot
/// see, a flag choosing the graph, and a size parameter as an op's int argument — each LG0003 on the exact part.
/// </summary>
public sealed class HyperparameterDiagnosticTests
{
    private const string ScalarWhy =
        "a number in a forward definition must be a constant or computed from the layer's primary-constructor parameters "
        + "(with + - * / %, casts, and Math/MathF functions such as MathF.Sqrt); other fields, properties and methods are not known to the kernels";

    [Fact]
    public void A_scalar_read_from_a_field_is_reported_on_the_field()
    {
        DiagnosticAssert.Reports(
            """
            using System;
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Scaled(int d)
            {
                [Parameter] Tensor weight = Tensor.Randn(d);
                private float temperature = 2f;

                Tensor Forward(Tensor x) => x * weight / (MathF.Sqrt(d) * {|LG0003:temperature|});
            }
            """,
            $"LayerGen cannot compile 'temperature' in the forward definition of 'Scaled': {ScalarWhy}");
    }

    [Fact]
    public void A_scalar_from_a_method_of_the_layer_is_reported_on_the_call()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Scaled(int d, float gain)
            {
                [Parameter] Tensor weight = Tensor.Randn(d);

                static float Scale(float g) => g * 2f;

                Tensor Forward(Tensor x) => x * weight * (1f + {|LG0003:Scale(gain)|});
            }
            """,
            $"LayerGen cannot compile 'Scale(gain)' in the forward definition of 'Scaled': {ScalarWhy}");
    }
}
