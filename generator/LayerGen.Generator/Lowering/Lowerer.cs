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
internal sealed class Lowerer
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

    /// <summary>Lowers the nodes of one kernel, ending with the stores to its outputs.</summary>
    /// <param name="wanted">For the backward kernel: which gradients each node feeds (null for the forward).</param>
    private void LowerPhase(List<int> nodes, List<(int Node, Target Target)> stores, List<Step> steps, GradientReach? wanted)
    {
        var inPhase = new HashSet<int>(nodes);
        var consumers = nodes.ToDictionary(id => id, _ => new List<int>());
        foreach (int id in nodes)
        {
            foreach (int arg in _graph[id].Args.Distinct())
            {
                if (consumers.TryGetValue(arg, out var list))
                {
                    list.Add(id);
                }
            }
        }

        var storeCount = stores.GroupBy(s => s.Node).ToDictionary(g => g.Key, g => g.Count());

        // 1. Which computed nodes need a buffer of their own.
        var materialised = new HashSet<int>();
        foreach (int id in nodes)
        {
            var node = _graph[id];
            if (node.Op.IsLeaf() || node.Op == Op.Reshape)
            {
                continue;
            }

            var readers = consumers[id];
            bool needsBuffer = !node.Op.IsElementwise()
                || _plan.Saved.Contains(id)
                || storeCount.ContainsKey(id)
                || readers.Count != 1
                || _graph[readers[0]].Op is Op.MatMul or Op.Reshape
                || (_graph[readers[0]].Op == Op.ReduceSum && HasGeneralLeaf(id, _graph[id].Shape, materialised));
            if (needsBuffer)
            {
                materialised.Add(id);
            }
        }

        // Views and matmul operands read buffers, so their arguments must have one.
        foreach (int id in nodes)
        {
            var node = _graph[id];
            if (!node.Op.IsElementwise() && !node.Op.IsLeaf() && node.Op != Op.ReduceSum)
            {
                foreach (int arg in node.Args)
                {
                    int storage = StorageOf(arg);
                    if (inPhase.Contains(storage) && !_graph[storage].Op.IsLeaf())
                    {
                        materialised.Add(storage);
                    }
                }
            }
        }

        // 2. Matmuls that become the epilogue's accumulator: read once, by a chain of their own shape.
        var epilogueOf = new Dictionary<int, int>();
        foreach (int id in nodes.Where(id => _graph[id].Op == Op.MatMul))
        {
            if (consumers[id].Count != 1 || storeCount.ContainsKey(id) || _plan.Saved.Contains(id))
            {
                continue;
            }

            // Follow the chain up to the node that has a buffer: that loop can hold the matmul.
            int root = consumers[id][0];
            while (!materialised.Contains(root) && _graph[root].Op.IsElementwise() && consumers[root].Count == 1)
            {
                root = consumers[root][0];
            }

            if (materialised.Contains(root) && _graph[root].Op.IsElementwise()
                && _graph[root].Shape.Equals(_graph[id].Shape)
                && !epilogueOf.ContainsValue(root)
                && CountLeafUses(root, id, materialised) == 1
                && !HasGeneralLeaf(root, _graph[id].Shape, materialised, except: id))
            {
                epilogueOf[id] = root;
                materialised.Remove(id);
                _plan.FusedMatMuls.Add(id);
            }
        }

        // 3. Buffers: a value stored exactly once and read by nothing else is computed straight into its destination.
        var direct = new Dictionary<int, Target>();
        foreach (var (node, target) in stores)
        {
            bool computed = materialised.Contains(node) || (_graph[node].Op.IsElementwise() && inPhase.Contains(node));
            if (computed && storeCount[node] == 1 && consumers.TryGetValue(node, out var readers) && readers.Count == 0 && !direct.ContainsKey(node))
            {
                direct[node] = target;
                materialised.Add(node);
            }
        }

        // A child's backward whose input needs no gradient still runs (for the child's parameters), writing no input gradient.
        var discarded = new HashSet<int>(nodes.Where(id => _graph[id].Op == Op.ChildGrad && consumers[id].Count == 0 && !storeCount.ContainsKey(id)));
        _bufferNames.Claim(nodes.Where(id => materialised.Contains(id) && !discarded.Contains(id) && !direct.ContainsKey(id) && !_plan.Buffers.ContainsKey(id)));
        foreach (int id in nodes.Where(materialised.Contains))
        {
            if (discarded.Contains(id))
            {
                continue;
            }

            if (direct.TryGetValue(id, out var target))
            {
                Assign(id, target.Buffer);
            }
            else if (!_plan.Buffers.ContainsKey(id))
            {
                var buffer = new Buffer(_bufferNames.Of(id), BufferRole.Workspace, _graph[id].Shape) { OffsetName = BufferNames.OffsetOf(_bufferNames.Of(id)) };
                _plan.Workspace.Add(buffer);
                Assign(id, buffer);
            }
        }

        foreach (int id in nodes.Where(id => _graph[id].Op == Op.Reshape))
        {
            if (_plan.Buffers.TryGetValue(StorageOf(id), out var storage))
            {
                _plan.Buffers[id] = storage with { Shape = _graph[id].Shape };
            }
        }

        // 4. Steps, in topological order.
        // A step storing straight into a gradient runs only when that gradient is wanted, even when its
        // value also feeds other gradients (they then read it from the same buffer only if it is wanted).
        // A child's backward always runs (its parameters' gradients); it skips an empty input gradient itself.
        EquatableArray<string> WantedBy(int id)
        {
            if (wanted is null || _graph[id].Op == Op.ChildGrad)
            {
                return EquatableArray<string>.Empty;
            }

            return direct.TryGetValue(id, out var store) && IsGradient(store.Buffer)
                ? new[] { store.Buffer.Name }.ToEquatableArray()
                : wanted.Of(id);
        }

        var epilogueRoots = epilogueOf.ToDictionary(p => p.Value, p => p.Key);
        foreach (int id in nodes.Where(materialised.Contains))
        {
            var node = _graph[id];
            if (discarded.Contains(id))
            {
                steps.Add(new ChildGradStep(id, null, WantedBy(id)));
                continue;
            }

            if (node.Op == Op.ChildResult)
            {
                continue; // written by its child's call (ChildEmitter.Forward)
            }

            var target = direct.TryGetValue(id, out var t) ? t : new Target(_plan.Buffers[id], Accumulate: false);
            if (node.Op == Op.ChildCall)
            {
                var input = _graph[node.Args[0]].Shape;
                string childRows = Shape.ProductCode(input.Dims.Take(input.Rank - node.ChildInput!.Rank));
                // A child called twice keeps two saved regions: fc1Saved, fc1Saved2.
                string savedName = _bufferNames.ChildSaved(node.Name);
                var childSaved = new Buffer(savedName, BufferRole.Workspace, Shape.Scalar) { OffsetName = BufferNames.OffsetOf(savedName), LengthOverride = $"{node.Name}.SavedLength({childRows})" };
                _plan.Workspace.Add(childSaved);
                _plan.ChildSaved[id] = childSaved;
                steps.Add(new ChildCallStep(id, target, WantedBy(id)));
            }
            else if (node.Op == Op.ChildGrad)
            {
                steps.Add(new ChildGradStep(id, target, WantedBy(id)));
            }
            else if (epilogueRoots.TryGetValue(id, out int matmul))
            {
                steps.Add(new MatMulStep(matmul, id, target, WantedBy(id)));
            }
            else if (node.Op == Op.MatMul)
            {
                steps.Add(new MatMulStep(id, null, target, WantedBy(id)));
            }
            else if (node.Op == Op.ReduceSum)
            {
                steps.Add(new ReduceStep(id, target, WantedBy(id)));
            }
            else if (!node.Op.IsElementwise())
            {
                steps.Add(new StructuralStep(id, target, WantedBy(id)));
            }
            else
            {
                steps.Add(new ElementwiseStep(id, target, WantedBy(id)));
            }
        }

        // 5. Stores that could not be computed in place copy (or accumulate) from the value's buffer.
        foreach (var (node, target) in stores)
        {
            if (!direct.TryGetValue(node, out var used) || used != target)
            {
                steps.Add(new CopyStep(node, target, wanted is not null && IsGradient(target.Buffer) ? new[] { target.Buffer.Name }.ToEquatableArray() : WantedBy(node)));
            }
        }
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
