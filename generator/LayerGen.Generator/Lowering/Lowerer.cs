using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Lowering;

/// <summary>
/// Decides which values get a buffer and which are fused into the loop that consumes them, and
/// orders the loop nests of the forward and backward kernels.
/// <list type="bullet">
/// <item>Element-wise chains are fused into one loop; a chain is cut (materialised) where its value is
/// read twice, read by a matmul or a view, returned, stored as a gradient, or saved for backward.</item>
/// <item>A matmul read only by an element-wise chain of its own shape becomes that chain's epilogue:
/// bias, activation and gradient masks run in registers (matmul + bias + relu is one loop nest).</item>
/// <item>A reduction reads its input chain directly.</item>
/// </list>
/// </summary>
internal sealed partial class Lowerer
{
    private readonly Graph _graph;
    private readonly KernelPlan _plan;
    private readonly Names _names;
    private readonly BufferNames _bufferNames;

    private Lowerer(Graph graph, Names names)
    {
        _graph = graph;
        _plan = new KernelPlan(graph);
        _names = names;
        _bufferNames = new BufferNames(graph, names);
    }

    /// <param name="graph">The forward and backward graph.</param>
    /// <param name="names">The kernels' names for the layer's sizes and parameters.</param>
    /// <param name="scalarKernels">Plain scalar loops only (the <c>LayerGenScalarKernels</c> switch): see <see cref="KernelPlan.ScalarKernels"/>.</param>
    public static KernelPlan Lower(Graph graph, Names names, bool scalarKernels = false)
    {
        var lowerer = new Lowerer(graph, names);
        lowerer._plan.ScalarKernels = scalarKernels;
        lowerer.Run();
        ProductChoices.Decide(lowerer._plan);
        LoopChoices.Decide(lowerer._plan);
        GradientFirstWrites.Decide(lowerer._plan);
        lowerer._plan.GradientsMayGoIntoParameters = ParameterWriteOrder.GradientsMayGoIntoParameters(lowerer._plan);
        return lowerer._plan;
    }

    private void Run()
    {
        var forwardNeeded = Reach(_graph.Outputs.Concat(_graph.BufferUpdates.Select(u => u.Value)));
        // A tuple-returning child writes every result, so each needs a buffer even when nothing reads it.
        forwardNeeded.UnionWith(forwardNeeded.Where(id => _graph[id].Op == Op.ChildCall).SelectMany(_graph.ChildResultsOf).ToList());
        var gradRoots = _graph.ParameterGrads.Select(p => p.Value).Where(v => v >= 0).Concat(_graph.BackwardRoots).ToList();
        gradRoots.AddRange(_graph.InputGrads.Where(g => g >= 0));

        // The backward kernel reads forward values; it does not recompute what they came from.
        var backwardNeeded = Reach(gradRoots, stopAtForward: true);

        // Leaf buffers every kernel can read.
        for (int i = 0; i < _graph.Inputs.Count; i++)
        {
            Assign(_graph.Inputs[i], new Buffer(_names.Input(i), BufferRole.Input, _graph[_graph.Inputs[i]].Shape));
            _plan.InputSpans.Add((_names.Input(i), _names.InputGrad(i)));
        }

        if (_graph.Target >= 0)
        {
            Assign(_graph.Target, new Buffer("target", BufferRole.Target, _graph[_graph.Target].Shape));
        }

        foreach (var parameter in _graph.Parameters)
        {
            var buffer = new Buffer(_names.Parameter(parameter.Key), BufferRole.Parameter, _graph[parameter.Value].Shape);
            _plan.ParameterBuffers.Add(buffer);
            Assign(parameter.Value, buffer);
        }

        foreach (var state in _graph.Buffers)
        {
            var buffer = new Buffer(_names.Parameter(state.Key), BufferRole.Parameter, _graph[state.Value].Shape);
            _plan.StateBuffers.Add(buffer);
            Assign(state.Value, buffer);
        }

        foreach (var node in _graph.Nodes.Where(n => n.Op == Op.OutputGrad))
        {
            Assign(node.Id, new Buffer(_names.OutputGrad(node.Ints.Count > 0 ? node.Ints[0] : 0), BufferRole.OutputGrad, node.Shape));
        }

        for (int i = 0; i < _graph.Outputs.Count; i++)
        {
            _plan.OutputSpans.Add((_names.Output(i), _names.OutputGrad(i)));
        }

        // Forward values the backward kernel reads must outlive the forward kernel.
        foreach (int id in backwardNeeded.Where(id => !_graph[id].IsBackward))
        {
            int storage = StorageOf(id);
            if (_graph[storage].Op is not (Op.Input or Op.Target or Op.Parameter or Op.Constant or Op.InverseCount) && !_graph.Outputs.Contains(storage))
            {
                _plan.Saved.Add(storage);
            }
        }

        var stores = new List<(int Node, Target Target)>();
        for (int i = 0; i < _graph.Outputs.Count; i++)
        {
            var outputBuffer = new Buffer(_names.Output(i), BufferRole.Output, _graph[_graph.Outputs[i]].Shape);
            stores.Add((_graph.Outputs[i], new Target(outputBuffer, Accumulate: false)));
        }

        // A buffer's old value is copied before anything reads it and its new value kept, so the write-back can come last.
        _plan.Saved.UnionWith(_graph.BufferSnapshots.Where(forwardNeeded.Contains));
        var updates = _graph.BufferUpdates.Where(u => !_graph.BufferSnapshots.Contains(u.Value)).ToList();
        _plan.Saved.UnionWith(updates.Select(u => StorageOf(u.Value)));
        LowerPhase(forwardNeeded.Where(id => !_graph[id].IsBackward).OrderBy(id => id).ToList(), stores, _plan.ForwardSteps, wanted: null);
        foreach (var update in updates)
        {
            var state = new Buffer(_names.Parameter(update.Key), BufferRole.State, _graph[update.Value].Shape);
            _plan.UpdatedStates.Add(state.Name);
            _plan.ForwardSteps.Add(new CopyStep(update.Value, new Target(state, Accumulate: false), EquatableArray<string>.Empty));
        }

        var gradStores = new List<(int Node, Target Target)>();
        foreach (var grad in _graph.ParameterGrads)
        {
            var shape = _graph[_graph.Parameters.First(p => p.Key == grad.Key).Value].Shape;
            var buffer = new Buffer(_names.ParameterGrad(grad.Key), BufferRole.ParameterGrad, shape);
            _plan.ParameterGradBuffers.Add(buffer);
            if (grad.Value >= 0)
            {
                gradStores.Add((grad.Value, new Target(buffer, Accumulate: true)));
            }
        }

        for (int i = 0; i < _graph.Inputs.Count; i++)
        {
            if (_graph.InputGrads[i] >= 0)
            {
                gradStores.Add((_graph.InputGrads[i], new Target(new Buffer(_names.InputGrad(i), BufferRole.InputGrad, _graph[_graph.Inputs[i]].Shape), Accumulate: true)));
            }
        }

        LowerPhase(backwardNeeded.Where(id => _graph[id].IsBackward).OrderBy(id => id).ToList(), gradStores, _plan.BackwardSteps, new GradientReach(this, gradStores));
        ParameterGradientsLast(_plan.BackwardSteps);

        var statements = new DifferentiatedStatements(_graph);
        for (int i = 0; i < _plan.BackwardSteps.Count; i++)
        {
            _plan.BackwardSteps[i] = _plan.BackwardSteps[i] with { Differentiates = statements.Of(_plan.BackwardSteps[i], _plan) };
        }
    }

    /// <summary>
    /// Moves the steps that write parameter gradients after all others, keeping each group's order. Nothing
    /// reads a parameter gradient (a value also needed elsewhere lives in a workspace buffer and is copied),
    /// so this changes no result; it puts every read of a parameter before the writes of its gradient, which
    /// lets the backward add gradients straight into parameters (<see cref="ParameterWriteOrder"/>).
    /// </summary>
    private static void ParameterGradientsLast(List<Step> steps)
    {
        static bool WritesParameterGradient(Step step) => step switch
        {
            ElementwiseStep e => e.Target.Buffer.Role == BufferRole.ParameterGrad,
            MatMulStep m => m.Target.Buffer.Role == BufferRole.ParameterGrad,
            ReduceStep r => r.Target.Buffer.Role == BufferRole.ParameterGrad,
            StructuralStep s => s.Target.Buffer.Role == BufferRole.ParameterGrad,
            CopyStep c => c.Target.Buffer.Role == BufferRole.ParameterGrad,
            _ => false,
        };

        var reordered = steps.Where(s => !WritesParameterGradient(s)).Concat(steps.Where(WritesParameterGradient)).ToList();
        steps.Clear();
        steps.AddRange(reordered);
    }

    /// <summary>
    /// Which gradient outputs each backward node feeds, so that a step runs only when one of them is wanted:
    /// the caller passes an empty span for an input that needs no gradient and for a frozen parameter
    /// (<c>RequiresGrad</c> false). What a child layer's backward reads is always computed: that backward
    /// always runs, for the child's own parameters.
    /// </summary>
    private sealed class GradientReach
    {
        private readonly List<(string Gradient, HashSet<int> Nodes)> _reach = new();
        private readonly HashSet<int> _alwaysNeeded;

        public GradientReach(Lowerer lowerer, List<(int Node, Target Target)> gradStores)
        {
            foreach (var (node, target) in gradStores)
            {
                _reach.Add((target.Buffer.Name, lowerer.Reach(new[] { node }, stopAtForward: true)));
            }

            _alwaysNeeded = lowerer.Reach(lowerer._graph.BackwardRoots, stopAtForward: true);
        }

        /// <summary>The gradient buffers node <paramref name="id"/> contributes to; empty when it must always run.</summary>
        public EquatableArray<string> Of(int id) => _alwaysNeeded.Contains(id)
            ? EquatableArray<string>.Empty
            : _reach.Where(r => r.Nodes.Contains(id)).Select(r => r.Gradient).ToEquatableArray();
    }

    private static bool IsGradient(Buffer buffer) => buffer.Role is BufferRole.InputGrad or BufferRole.ParameterGrad;

    private void Assign(int id, Buffer buffer) => _plan.Buffers[id] = buffer;

    /// <summary>The node whose buffer a value lives in: itself, or for a view, what it views.</summary>
    private int StorageOf(int id)
    {
        while (_graph[id].Op == Op.Reshape)
        {
            id = _graph[id].Args[0];
        }

        return id;
    }

    private HashSet<int> Reach(IEnumerable<int> roots, bool stopAtForward = false)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<int>(roots);
        while (stack.Count > 0)
        {
            int id = stack.Pop();
            if (!seen.Add(id) || (stopAtForward && !_graph[id].IsBackward))
            {
                continue;
            }

            foreach (int arg in _graph[id].Args)
            {
                stack.Push(arg);
            }
        }

        return seen;
    }

    /// <summary>How often a fused chain rooted at <paramref name="root"/> reads <paramref name="leaf"/>.</summary>
    private int CountLeafUses(int root, int leaf, HashSet<int> materialised)
    {
        int count = 0;
        foreach (int arg in _graph[root].Args)
        {
            if (arg == leaf)
            {
                count++;
            }
            else if (_graph[arg].Op.IsElementwise() && !materialised.Contains(arg))
            {
                count += CountLeafUses(arg, leaf, materialised);
            }
        }

        return count;
    }

    /// <summary>True when some operand of the fused chain at <paramref name="root"/> is broadcast in a way the outer × inner loop cannot index.</summary>
    private bool HasGeneralLeaf(int root, Shape loop, HashSet<int> materialised, int except = -1)
    {
        foreach (int arg in _graph[root].Args)
        {
            var node = _graph[arg];
            if (arg == except || node.Op.IsScalarConstant())
            {
                continue;
            }

            if (node.Op.IsElementwise() && !materialised.Contains(arg))
            {
                if (HasGeneralLeaf(arg, loop, materialised, except))
                {
                    return true;
                }
            }
            else if (LeafAccess.Classify(node.Shape, loop).Outer == OuterPattern.General)
            {
                return true;
            }
        }

        return false;
    }
}
