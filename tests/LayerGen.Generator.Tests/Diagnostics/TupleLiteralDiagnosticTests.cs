using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// What stays refused of tuples written out in a forward (issue 16): taking one apart into a member of the layer (a
/// parameter here) rather than into locals and inputs — LG0003 on the left side.
/// </summary>
public sealed class TupleLiteralDiagnosticTests
{
    [Fact]
    public void LG0003_a_tuple_taken_apart_into_a_parameter()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Keeps(int n)
            {
                [Parameter] Tensor w = Tensor.Randn(n);

                Tensor Forward(Tensor x)
                {
                    var h = x * w;
                    {|LG0003:(w, h)|} = (h, x * w);
                    return h;
                }
            }
            """,
            "LayerGen cannot compile '(w, h)' in the forward definition of 'Keeps': a tuple is taken apart into the forward's locals and inputs "
            + "('var (outputs, state) = rnn.Call(x, h);', '(x, h) = (a, b);'); a member of the layer cannot be one of them: take it apart into a local and assign that");
    }
}
