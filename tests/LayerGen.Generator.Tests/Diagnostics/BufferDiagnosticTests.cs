using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// What stays refused of buffers and plain tensor fields (issue 16): a [Parameter] assigned in a forward and a buffer
/// assigned in a helper (LG0003 on the assigned name), <c>Training</c> in a loss (which has no mode), a [Buffer] whose
/// shape cannot be read (LG0004 on its initialiser).
/// </summary>
public sealed class BufferDiagnosticTests
{
    [Fact]
    public void LG0003_a_parameter_assigned_in_the_forward_is_reported_on_its_name()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Drifting(int n)
            {
                [Parameter] Tensor shift = Tensor.Zeros(n);

                Tensor Forward(Tensor x)
                {
                    {|LG0003:shift|} = shift * 0.5f;
                    return x + shift;
                }
            }
            """,
            "LayerGen cannot compile 'shift' in the forward definition of 'Drifting': 'shift' is a [Parameter]: the optimiser changes it and a forward only reads it; state the forward updates (running statistics) is a [Buffer], e.g. '[Buffer] Tensor shift = Tensor.Zeros(n);'");
    }

    [Fact]
    public void LG0003_a_buffer_assigned_in_a_helper_is_reported_on_its_name()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Tracking(int n)
            {
                [Buffer] Tensor last = Tensor.Zeros(n);

                Tensor Forward(Tensor x) => Remember(x) * 2f;

                Tensor Remember(Tensor x)
                {
                    {|LG0003:last|} = x.Mean(0);
                    return x;
                }
            }
            """,
            "LayerGen cannot compile 'last' in the forward definition of 'Tracking': a buffer is assigned in Forward itself, not in a helper it calls: return the new value from the helper and assign 'last' in Forward");
    }

    [Fact]
    public void LG0003_Training_in_a_loss_is_reported_on_it()
    {
        // A loss is not generated then, and has no Training property anyway: the compiler's CS0103 comes too.
        DiagnosticAssert.ReportsDespiteCompilerErrors(
            """
            using LayerGen;

            namespace Demo;

            [Loss]
            public partial class ModeLoss
            {
                Tensor Forward(Tensor input, Tensor target) => ({|LG0003:Training|} ? input - target : input).Square().Mean();
            }
            """,
            "LayerGen cannot compile 'Training' in the forward definition of 'ModeLoss': a loss has no train/eval mode ('Training' is a layer's); compute the loss the same way in both");
    }

    [Fact]
    public void LG0004_a_buffer_whose_shape_cannot_be_read_is_reported_on_its_initialiser()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            public static class Tables
            {
                public static Tensor Load() => Tensor.From(1f, 2f, 3f);
            }

            [Layer]
            public partial class Lookup
            {
                [Buffer] Tensor table = {|LG0004:Tables.Load()|};

                Tensor Forward(Tensor x) => x * table;
            }
            """,
            "The shape of parameter 'table' cannot be determined from its initialiser: 'Load' is not a tensor factory LayerGen knows (use a factory whose last parameter is 'params int[] shape', such as Tensor.Randn or Init.KaimingUniform); a buffer's initialiser is a factory call ('Tensor.Zeros(n)') or a call of a method that returns one ('MakeTable(maxLen, numHiddens)' returning 'Tensor.Zeros(1, maxLen, numHiddens)' filled in)");
    }
}
