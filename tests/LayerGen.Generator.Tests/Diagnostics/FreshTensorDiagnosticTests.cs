using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// What stays refused about fresh tensors in a forward (<c>Tensor.Zeros(x.Size(0), n)</c>): the batch read anywhere but
/// first, another axis that no declared input shape fixes (LG0003 on the argument), and <c>Size(0)</c> of a tensor without the batch (LG0005 on the call).
/// </summary>
public sealed class FreshTensorDiagnosticTests
{
    [Fact]
    public void LG0003_the_batch_as_a_later_size()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, n]")]
            public partial class Late(int n)
            {
                Tensor Forward(Tensor x) => x + Tensor.Zeros(n, {|LG0003:x.Size(0)|}).Sum(0);
            }
            """,
            "LayerGen cannot compile 'x.Size(0)' in the forward definition of 'Late': a fresh tensor reads only the batch from a tensor, as its first "
            + "size (x.Size(0)); its other sizes are constants or the layer's sizes, e.g. Tensor.Zeros(x.Size(0), numHiddens)");
    }

    [Fact]
    public void LG0003_another_axis_read_from_a_tensor()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Width(int n)
            {
                [Parameter] Tensor b = Tensor.Randn(n);

                Tensor Forward(Tensor x) => x.Sum(-1, keepDim: true) * b + Tensor.Ones(x.Size(0), {|LG0003:x.Size(1)|});
            }
            """,
            "LayerGen cannot compile 'x.Size(1)' in the forward definition of 'Width': 'x.Size(1)' reads axis 1 of 'x', and nothing in the forward fixes that axis "
            + "to a size of the layer (a parameter it meets, as in 'x.MatMul(w)'); declare the input's shape with the layer's sizes, e.g. [Layer(Input = \"[*, n]\")] (then 'x.Size(1)' is n), or write the size by name");
    }

    [Fact]
    public void LG0005_the_batch_of_a_parameter()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, n]")]
            public partial class FromWeight(int n)
            {
                [Parameter] Tensor w = Tensor.Randn(n, n);

                Tensor Forward(Tensor x) => x + {|LG0005:Tensor.Zeros(w.Size(0), n)|};
            }
            """,
            "Shape mismatch in 'Tensor.Zeros(w.Size(0), n)': 'w.Size(0)' is the batch only of a tensor that holds it, but [n, n] does not "
            + "(a parameter's sizes are the layer's sizes: write them by name)");
    }
}
