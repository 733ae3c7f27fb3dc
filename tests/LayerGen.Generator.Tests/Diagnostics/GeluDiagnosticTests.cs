using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// <c>Ops.Gelu</c>'s <c>approximate</c> is PyTorch's: "none" (the exact GELU, the default) or "tanh". Any other
/// string is a compile-time error on the argument (LG0003), naming both; a non-constant one is refused as
/// every non-constant argument is.
/// </summary>
public sealed class GeluDiagnosticTests
{
    private static string Layer(string call) =>
        $$"""
        using LayerGen;

        namespace Demo;

        [Layer(Input = "[*, n]")]
        public partial class GeluLayer(int n)
        {
            private const string Fast = "fast";

            Tensor Forward(Tensor x) => {{call}};
        }
        """;

    private static string Message(string call, string approximate) =>
        $"LayerGen cannot compile '{call}' in the forward definition of 'GeluLayer': Gelu's approximate must be "
        + $"\"none\" (the exact GELU, the default) or \"tanh\", as in torch.nn.functional.gelu, not \"{approximate}\"";

    [Fact]
    public void An_unknown_approximation_is_reported_on_the_argument() =>
        DiagnosticAssert.Reports(
            Layer("""Ops.Gelu(x, approximate: {|LG0003:"sigmoid"|})"""),
            Message("""Ops.Gelu(x, approximate: "sigmoid")""", "sigmoid"));

    [Fact]
    public void Case_matters_as_in_torch() =>
        DiagnosticAssert.Reports(
            Layer("""Ops.Gelu(x, {|LG0003:"Tanh"|})"""),
            Message("""Ops.Gelu(x, "Tanh")""", "Tanh"));

    [Fact]
    public void A_constant_is_read_and_reported_where_it_is_passed() =>
        DiagnosticAssert.Reports(
            Layer("""Ops.Gelu(x, {|LG0003:Fast|})"""),
            Message("Ops.Gelu(x, Fast)", "fast"));
}
