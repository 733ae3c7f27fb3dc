using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// <c>Expand</c>/<c>ExpandAs</c> (torch's expand): sizes that do not fit the tensor are LG0005 naming both shapes, on the
/// call; the batch read anywhere but first is LG0003 on the argument; a parameter joined to the input without Expand is
/// told how to give it the batch.
/// </summary>
public sealed class ExpandDiagnosticTests
{
    [Fact]
    public void LG0005_an_existing_size_that_is_not_one()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, n]")]
            public partial class Wide(int n, int m)
            {
                [Parameter] Tensor p = Tensor.Randn(m);

                Tensor Forward(Tensor x) => Ops.Concat(-1, x, {|LG0005:p.Expand(x.Size(0), n)|});
            }
            """,
            "Shape mismatch in 'p.Expand(x.Size(0), n)': cannot expand [m] to [*, n]: the expanded size n must match the existing size m "
            + "at non-singleton dimension 1 (expand only stretches sizes of 1)");
    }

    [Fact]
    public void LG0005_expand_as_a_tensor_of_another_width()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, 4]")]
            public partial class Unlike
            {
                [Parameter] Tensor p = Tensor.Randn(1, 3);

                Tensor Forward(Tensor x) => x * {|LG0005:p.ExpandAs(x)|};
            }
            """,
            "Shape mismatch in 'p.ExpandAs(x)': cannot expand [1, 3] to [*, 4]: the expanded size 4 must match the existing size 3 "
            + "at non-singleton dimension 1 (expand only stretches sizes of 1)");
    }

    [Fact]
    public void LG0005_keeping_a_size_in_a_new_leading_axis()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, 3]")]
            public partial class Kept
            {
                [Parameter] Tensor p = Tensor.Randn(3);

                Tensor Forward(Tensor x) => x + {|LG0005:p.Expand(-1, -1)|}.Sum(0);
            }
            """,
            "Shape mismatch in 'p.Expand(-1, -1)': cannot expand [3] to [-1, -1]: -1 keeps an existing size, and dimension 0 is a new one");
    }

    [Fact]
    public void LG0003_the_batch_as_a_later_size()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, 3]")]
            public partial class Late
            {
                [Parameter] Tensor p = Tensor.Randn(3, 1);

                Tensor Forward(Tensor x) => x + p.Expand(3, {|LG0003:x.Size(0)|}).Sum(0);
            }
            """,
            "LayerGen cannot compile 'x.Size(0)' in the forward definition of 'Late': Expand reads only the batch from a tensor, as its first size (x.Size(0)); "
            + "its other sizes are -1, constants or the layer's sizes, and p.ExpandAs(x) takes the whole of x's shape");
    }

    [Fact]
    public void LG0005_a_parameter_joined_to_the_input_is_told_to_expand()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, 3]")]
            public partial class Joined
            {
                [Parameter] Tensor p = Tensor.Randn(2);

                Tensor Forward(Tensor x) => {|LG0005:Ops.Concat(-1, x, p)|};
            }
            """,
            "Shape mismatch in 'Ops.Concat(-1, x, p)': cannot join [*, 3] and [2] along axis -1: the other dimensions must match and the joined one "
            + "must be a size, not the batch (give a tensor without the batch one with Expand, e.g. p.Expand(x.Size(0), -1))");
    }
}
