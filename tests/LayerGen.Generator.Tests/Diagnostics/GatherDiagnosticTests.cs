using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// <c>x.Gather(dim, index)</c> in a forward: an index whose shape is not x's beside the axis, and a gather along the
/// batch, are LG0005 on the call naming the shapes; an index computed in the forward is LG0003 on it (ids are inputs).
/// </summary>
public sealed class GatherDiagnosticTests
{
    [Fact]
    public void LG0005_an_index_of_another_shape_beside_the_axis()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, steps, d]; [*, k, e]")]
            public partial class Picked(int steps, int d, int k, int e)
            {
                Tensor Forward(Tensor x, Tensor index) => {|LG0005:x.Gather(1, index)|};
            }
            """,
            "Shape mismatch in 'x.Gather(1, index)': Gather's index must have the shape of x except along axis 1, but x is [*, steps, d] and the index [*, k, e]");
    }

    [Fact]
    public void LG0005_a_gather_along_the_batch()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, n]; [*, n]")]
            public partial class Rows(int n)
            {
                Tensor Forward(Tensor x, Tensor index) => {|LG0005:Ops.Gather(x, 0, index)|};
            }
            """,
            "Shape mismatch in 'Ops.Gather(x, 0, index)': Gather along the batch of [*, n] is not compiled: gather along one of its other axes");
    }

    [Fact]
    public void LG0003_a_computed_index()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, n]")]
            public partial class Computed(int n)
            {
                Tensor Forward(Tensor x) => x.Gather(-1, {|LG0003:x * 2f|});
            }
            """,
            "LayerGen cannot compile 'x * 2f' in the forward definition of 'Computed': Gather(dim, index) takes int64 ids, and ids can only be an input of Forward "
            + "passed as it is (e.g. 'Tensor Forward(Tensor ids) => weight[ids];'); 'x * 2f' is computed");
    }
}
