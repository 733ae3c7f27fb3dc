using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Lowering;

/// <summary>Where a materialised value lives.</summary>
internal enum BufferRole
{
    Input,
    Target,
    Parameter,
    Output,
    OutputGrad,
    InputGrad,
    ParameterGrad,

    /// <summary>A slice of the caller's <c>saved</c> workspace.</summary>
    Workspace,

    /// <summary>A buffer's storage, written with its new value at the end of the forward (<c>runningMean = ...</c>).</summary>
    State,
}

/// <summary>A span the kernels read or write, with the shape it holds.</summary>
internal sealed record Buffer(string Name, BufferRole Role, Shape Shape)
{
    /// <summary>For workspace buffers: the local holding the offset into <c>saved</c> (<c>hAt</c>), declared at the top of each kernel.</summary>
    public string OffsetName { get; init; } = string.Empty;

    /// <summary>The length when it is not the shape's element count (a child layer's own workspace).</summary>
    public string? LengthOverride { get; init; }

    public string LengthCode => LengthOverride ?? Shape.CountCode;
}

/// <summary>Where a step writes: a buffer, assigned or accumulated (+=, for gradients).</summary>
internal sealed record Target(Buffer Buffer, bool Accumulate);

/// <summary>
/// One loop nest of a kernel. <see cref="WantedBy"/> names the gradient buffers (<c>inputGrad</c>,
/// <c>weightGrad</c>, ...) whose values the step contributes to: the step runs only when one of them is
/// wanted, i.e. not empty (the caller passes an empty span for an input that needs no gradient and for a
/// parameter whose <c>RequiresGrad</c> is false). Empty: the step always runs (every forward step, a
/// child layer's backward — it updates the child's own parameters — and what that backward reads).
/// </summary>
internal abstract record Step(EquatableArray<string> WantedBy)
{
    /// <summary>For a backward step: the forward statements it differentiates, as written (<c>var h = Ops.Relu(x.MatMul(w));</c>), latest first.</summary>
    public EquatableArray<string> Differentiates { get; init; } = EquatableArray<string>.Empty;
}

/// <summary>An element-wise chain fused into one loop over <see cref="Root"/>'s shape.</summary>
internal sealed record ElementwiseStep(int Root, Target Target, EquatableArray<string> WantedBy) : Step(WantedBy);

/// <summary>A matrix product, optionally followed in registers by the element-wise chain <see cref="Epilogue"/> that consumes it.</summary>
internal sealed record MatMulStep(int MatMul, int? Epilogue, Target Target, EquatableArray<string> WantedBy) : Step(WantedBy);

/// <summary>A sum over broadcast dimensions, its input chain fused into the loop.</summary>
internal sealed record ReduceStep(int Reduce, Target Target, EquatableArray<string> WantedBy) : Step(WantedBy);

/// <summary>A child layer's forward over buffers: <c>fc1.ForwardSpan(rows, input, output, saved)</c>.</summary>
internal sealed record ChildCallStep(int Node, Target Target, EquatableArray<string> WantedBy) : Step(WantedBy);

/// <summary>A child layer's backward; <see cref="Target"/> is null when its input needs no gradient.</summary>
internal sealed record ChildGradStep(int Node, Target? Target, EquatableArray<string> WantedBy) : Step(WantedBy);

/// <summary>A structural op (permute, slice, join, max along an axis, einsum, FFT, dropout mask) as its own loop nest.</summary>
internal sealed record StructuralStep(int Node, Target Target, EquatableArray<string> WantedBy) : Step(WantedBy);

/// <summary>Copies (or accumulates) a value that already has a buffer, or is a leaf, into an output.</summary>
internal sealed record CopyStep(int Source, Target Target, EquatableArray<string> WantedBy) : Step(WantedBy);

/// <summary>
/// The lowered layer: the graph, which node lives in which buffer (fused nodes live in none), and
/// the steps of the forward and backward kernels in execution order.
/// </summary>
internal sealed class KernelPlan
{
    public KernelPlan(Graph graph) => Graph = graph;

    public Graph Graph { get; }

    /// <summary>
    /// Every loop nest a plain scalar loop over its elements: no vector tiers, no GEMM calls, matrix products as
    /// triple loops. The same values to float rounding (sums add in another order), for stepping through in a debugger.
    /// </summary>
    public bool ScalarKernels { get; set; }

    /// <summary>
    /// Test builds (<c>LayerGenVerifyIr</c>): the emitter checks its text against what the plan says each step reads
    /// and writes (<see cref="StepAccess"/>), so a step that reads a buffer the plan does not record fails loudly.
    /// </summary>
    public bool VerifyEmittedAccess { get; set; }

    /// <summary>Node → the buffer holding its value (views share their argument's buffer).</summary>
    public Dictionary<int, Buffer> Buffers { get; } = new();

    /// <summary>How each product runs (by its node: a MatMul step's product, an einsum), chosen by <see cref="ProductChoices"/>.</summary>
    public Dictionary<int, ProductChoice> Products { get; } = new();

    /// <summary>How each element-wise, copy, reduction and product step loops (by the step), chosen by <see cref="LoopChoices"/>.</summary>
    public Dictionary<Step, LoopChoice> Loops { get; } = new();

    /// <summary>
    /// Whether the backward kernel may be handed each parameter's own storage as its gradient buffer (decided by
    /// <see cref="ParameterWriteOrder"/> from the steps' reads and writes).
    /// </summary>
    public bool GradientsMayGoIntoParameters { get; set; }

    /// <summary>Backward steps that first write a lazily zeroed parameter gradient, and how (<see cref="GradientFirstWrites"/>).</summary>
    public Dictionary<Step, GradientFirstWrite> FirstWrites { get; } = new();

    /// <summary>Lazily zeroed parameter gradients no step can zero: the backward kernel clears them (when flagged) at its start.</summary>
    public List<Buffer> GradientsClearedFirst { get; } = new();

    /// <summary>A matmul fused into the step of its consumer: that consumer's expression reads it as the accumulator.</summary>
    public HashSet<int> FusedMatMuls { get; } = new();

    public List<Step> ForwardSteps { get; } = new();

    public List<Step> BackwardSteps { get; } = new();

    /// <summary>Workspace buffers in layout order; their total is the saved length.</summary>
    public List<Buffer> Workspace { get; } = new();

    public List<Buffer> ParameterBuffers { get; } = new();

    /// <summary>The spans of the layer's buffers (read like parameters, never given a gradient), after the parameters' in the kernels' arguments.</summary>
    public List<Buffer> StateBuffers { get; } = new();

    /// <summary>The kernel names of the buffers the forward kernel writes (a <c>Span&lt;float&gt;</c> argument there).</summary>
    public HashSet<string> UpdatedStates { get; } = new();

    /// <summary>Each input's span and its gradient's span, in the order <c>Forward</c> takes the inputs (the kernels' first parameters).</summary>
    public List<(string Input, string Gradient)> InputSpans { get; } = new();

    /// <summary>Each result's span and its upstream gradient's span, in the order <c>Forward</c> returns them.</summary>
    public List<(string Output, string Gradient)> OutputSpans { get; } = new();

    public List<Buffer> ParameterGradBuffers { get; } = new();

    /// <summary>Forward nodes whose values the backward kernel reads from the workspace.</summary>
    public HashSet<int> Saved { get; } = new();

    /// <summary>Child ChildCall node → the slice of the workspace its own forward saves into.</summary>
    public Dictionary<int, Buffer> ChildSaved { get; } = new();

    /// <summary>
    /// The workspace offsets as locals, in layout order: each buffer starts where the one before it ends
    /// (<c>int hAt = 0; int scoresAt = hAt + rows * units;</c>), so every offset is computed once, by name.
    /// </summary>
    public IEnumerable<(string Name, string Code)> WorkspaceOffsets()
    {
        for (int i = 0; i < Workspace.Count; i++)
        {
            yield return (Workspace[i].OffsetName, i == 0 ? "0" : $"{Workspace[i - 1].OffsetName} + {Workspace[i - 1].LengthCode}");
        }
    }

    /// <summary>The workspace buffers <paramref name="steps"/> read or write, in layout order: those a kernel declares.</summary>
    public List<Buffer> WorkspaceTouchedBy(IEnumerable<Step> steps)
    {
        // By name: a view of a value is its argument's buffer under another shape (a record unequal to it).
        var touched = new HashSet<string>(steps.SelectMany(s => StepAccess.Touched(this, s)).Select(b => b.Name));
        return Workspace.Where(b => touched.Contains(b.Name)).ToList();
    }

    /// <summary>The saved length in terms of the offsets of <see cref="WorkspaceOffsets"/>: where the last buffer ends.</summary>
    public string SavedLengthCode => Workspace.Count == 0 ? "0" : $"{Workspace[Workspace.Count - 1].OffsetName} + {Workspace[Workspace.Count - 1].LengthCode}";
}
