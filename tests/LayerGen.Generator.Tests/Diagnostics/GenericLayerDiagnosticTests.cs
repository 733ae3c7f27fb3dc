using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// What stays refused of generic layers (issue 16): a type parameter entering what <c>Forward</c> computes (LG0003 on the
/// expression of that type), and a child field whose type depends on one (LG0007 on the field). A generic layer whose
/// type parameters stay outside <c>Forward</c> compiles (<see cref="GenericLayerEmissionTests"/>).
/// </summary>
public sealed class GenericLayerDiagnosticTests
{
    private const string Why =
        "which depends on a type parameter of {0}; the kernels are generated once for every type argument, so what Forward computes cannot depend on one: "
        + "use a concrete type here (a child of a concrete layer class, a size or hyperparameter of the constructor)";

    [Fact]
    public void LG0003_default_of_the_type_parameter_in_Forward()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Tagged<T>(int n)
            {
                [Parameter] Tensor w = Tensor.Randn(n);

                Tensor Forward(Tensor x)
                {
                    var tag = {|LG0003:default(T)|};
                    return x * w;
                }
            }
            """,
            "LayerGen cannot compile 'default(T)' in the forward definition of 'Tagged': it is of type T, " + string.Format(System.Globalization.CultureInfo.InvariantCulture, Why, "Tagged"));
    }

    [Fact]
    public void LG0007_and_LG0003_a_child_of_the_type_parameters_type_called_in_Forward()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Wrapper<TInner>
                where TInner : ILayer, new()
            {
                private readonly TInner {|LG0007:child = new TInner()|};

                Tensor Forward(Tensor x) => {|LG0003:child|}.Call(x) + x;
            }
            """,
            "The child 'child' is not supported: its type TInner depends on a type parameter of Wrapper, and a child's kernels are chosen when Wrapper's are generated, once for every type argument; give the child a concrete layer class",
            "LayerGen cannot compile 'child' in the forward definition of 'Wrapper': it is of type TInner, " + string.Format(System.Globalization.CultureInfo.InvariantCulture, Why, "Wrapper"));
    }
}
