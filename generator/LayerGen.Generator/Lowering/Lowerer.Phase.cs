using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Lowering;

internal sealed partial class Lowerer
{
    /// <summary>Lowers the nodes of one kernel, ending with the stores to its outputs.</summary>
    /// <param name="wanted">For the backward kernel: which gradients each node feeds (null for the forward).</param>
    private void LowerPhase(List<int> nodes, List<(int Node, Target Target)> stores, List<Step> steps, GradientReach? wanted) =>
        new Phase(this, nodes, stores, steps, wanted).Lower();

    /// <summary>
    /// One kernel's lowering, in the order of its decisions: which nodes get buffers, which matmuls fuse into their
    /// consumer's loop, which values are computed straight into their destination, then the steps and the copies.
    /// </summary>
    private sealed class Phase
    {
        private readonly Lowerer _lowerer;
        private readonly Graph _graph;
        private readonly KernelPlan _plan;
        private readonly BufferNames _bufferNames;
        private readonly List<int> _nodes;
        private readonly List<(int Node, Target Target)> _stores;
        private readonly List<Step> _steps;
        private readonly GradientReach? _wanted;
        private readonly HashSet<int> _inPhase;
        private readonly Dictionary<int, List<int>> _consumers;
        private readonly Dictionary<int, int> _storeCount;

        /// <summary>Computed nodes that have a buffer of their own.</summary>
        private readonly HashSet<int> _materialised = new();

        /// <summary>A fused matmul → the element-wise root whose loop holds it as the accumulator.</summary>
        private readonly Dictionary<int, int> _epilogueOf = new();

        /// <summary>Values computed straight into the store that is their only use.</summary>
        private readonly Dictionary<int, Target> _direct = new();

        /// <summary>Child backwards whose input needs no gradient (they still run, for the child's parameters).</summary>
        private HashSet<int> _discarded = new();

        public Phase(Lowerer lowerer, List<int> nodes, List<(int Node, Target Target)> stores, List<Step> steps, GradientReach? wanted)
        {
            _lowerer = lowerer;
            _graph = lowerer._graph;
            _plan = lowerer._plan;
            _bufferNames = lowerer._bufferNames;
            _nodes = nodes;
            _stores = stores;
            _steps = steps;
            _wanted = wanted;
            _inPhase = new HashSet<int>(_nodes);
            _consumers = _nodes.ToDictionary(id => id, _ => new List<int>());
            foreach (int id in _nodes)
            {
                foreach (int arg in _graph[id].Args.Distinct())
                {
                    if (_consumers.TryGetValue(arg, out var list))
                    {
                        list.Add(id);
                    }
                }
            }

            _storeCount = _stores.GroupBy(s => s.Node).ToDictionary(g => g.Key, g => g.Count());
        }

        public void Lower()
        {
            ChooseBuffers();
            BufferOperandsOfViews();
            BoundChains();
            FuseEpilogues();
            ComputeInPlace();
            AssignBuffers();
            AddSteps();
            AddCopies();
        }

        /// <summary>Which computed nodes need a buffer of their own.</summary>
        private void ChooseBuffers()
        {
            foreach (int id in _nodes)
            {
                var node = _graph[id];
                if (node.Op.IsLeaf() || node.Op == Op.Reshape)
                {
                    continue;
                }

                var readers = _consumers[id];
                bool needsBuffer = !node.Op.IsElementwise()
                    || _plan.Saved.Contains(id)
                    || _storeCount.ContainsKey(id)
                    || readers.Count != 1
                    || _graph[readers[0]].Op is Op.MatMul or Op.Reshape
                    || (_graph[readers[0]].Op == Op.ReduceSum && HasGeneralLeaf(id, _graph[id].Shape, _materialised));
                if (needsBuffer)
                {
                    _materialised.Add(id);
                }
            }
        }

        /// <summary>Views and matmul operands read buffers, so their arguments must have one.</summary>
        private void BufferOperandsOfViews()
        {
            foreach (int id in _nodes)
            {
                var node = _graph[id];
                if (!node.Op.IsElementwise() && !node.Op.IsLeaf() && node.Op != Op.ReduceSum)
                {
                    foreach (int arg in node.Args)
                    {
                        int storage = StorageOf(arg);
                        if (_inPhase.Contains(storage) && !_graph[storage].Op.IsLeaf())
                        {
                            _materialised.Add(storage);
                        }
                    }
                }
            }
        }

        /// <summary>The most buffers one fused element-wise chain reads (see <see cref="BoundChains"/>).</summary>
        private const int MaxLeavesPerChain = 32;

        /// <summary>
        /// Gives a buffer to a node whose fused chain would read more than <see cref="MaxLeavesPerChain"/> buffers, so the
        /// chain ends there and its consumer reads one buffer. A loop over time steps sums a weight's gradient over every
        /// step (wHhGrad = g1 + g2 + … + g100): fused whole, that is one loop nest of 100 operands whose IL alone exceeds
        /// what the JIT optimises (benchmarks/README.md, "Loops over time steps"); in chains of 32 it is four.
        /// </summary>
        private void BoundChains()
        {
            var leaves = new Dictionary<int, int>();
            int Count(int id)
            {
                var node = _graph[id];
                if (node.Op.IsScalarConstant())
                {
                    return 0;
                }

                if (!_inPhase.Contains(id) || _materialised.Contains(id) || node.Op.IsLeaf() || !node.Op.IsElementwise())
                {
                    return 1;
                }

                if (!leaves.TryGetValue(id, out int count))
                {
                    count = node.Args.Sum(Count);
                    if (count > MaxLeavesPerChain)
                    {
                        _materialised.Add(id);
                    }

                    leaves[id] = count;
                }

                return _materialised.Contains(id) ? 1 : count;
            }

            foreach (int id in _nodes)
            {
                Count(id);
            }
        }

        /// <summary>Matmuls that become the epilogue's accumulator: read once, by a chain of their own shape.</summary>
        private void FuseEpilogues()
        {
            foreach (int id in _nodes.Where(id => _graph[id].Op == Op.MatMul))
            {
                if (_consumers[id].Count != 1 || _storeCount.ContainsKey(id) || _plan.Saved.Contains(id))
                {
                    continue;
                }

                // Follow the chain up to the node that has a buffer: that loop can hold the matmul.
                int root = _consumers[id][0];
                while (!_materialised.Contains(root) && _graph[root].Op.IsElementwise() && _consumers[root].Count == 1)
                {
                    root = _consumers[root][0];
                }

                if (_materialised.Contains(root) && _graph[root].Op.IsElementwise()
                    && _graph[root].Shape.Equals(_graph[id].Shape)
                    && !_epilogueOf.ContainsValue(root)
                    && CountLeafUses(root, id, _materialised) == 1
                    && !HasGeneralLeaf(root, _graph[id].Shape, _materialised, except: id))
                {
                    _epilogueOf[id] = root;
                    _materialised.Remove(id);
                    _plan.FusedMatMuls.Add(id);
                }
            }
        }

        /// <summary>Buffers: a value stored exactly once and read by nothing else is computed straight into its destination.</summary>
        private void ComputeInPlace()
        {
            foreach (var (node, target) in _stores)
            {
                bool computed = _materialised.Contains(node) || (_graph[node].Op.IsElementwise() && _inPhase.Contains(node));
                if (computed && _storeCount[node] == 1 && _consumers.TryGetValue(node, out var readers) && readers.Count == 0 && !_direct.ContainsKey(node))
                {
                    _direct[node] = target;
                    _materialised.Add(node);
                }
            }
        }

        /// <summary>Workspace buffers (named from the forward text) for what is materialised and not stored in place; views share them.</summary>
        private void AssignBuffers()
        {
            // A child's backward whose input needs no gradient still runs (for the child's parameters), writing no input gradient.
            _discarded = new HashSet<int>(_nodes.Where(id => _graph[id].Op == Op.ChildGrad && _consumers[id].Count == 0 && !_storeCount.ContainsKey(id)));
            _bufferNames.Claim(_nodes.Where(id => _materialised.Contains(id) && !_discarded.Contains(id) && !_direct.ContainsKey(id) && !_plan.Buffers.ContainsKey(id)));
            foreach (int id in _nodes.Where(_materialised.Contains))
            {
                if (_discarded.Contains(id))
                {
                    continue;
                }

                if (_direct.TryGetValue(id, out var target))
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

            foreach (int id in _nodes.Where(id => _graph[id].Op == Op.Reshape))
            {
                if (_plan.Buffers.TryGetValue(StorageOf(id), out var storage))
                {
                    _plan.Buffers[id] = storage with { Shape = _graph[id].Shape };
                }
            }
        }

        /// <summary>Steps, in topological order.</summary>
        private void AddSteps()
        {
            var epilogueRoots = _epilogueOf.ToDictionary(p => p.Value, p => p.Key);
            foreach (int id in _nodes.Where(_materialised.Contains))
            {
                var node = _graph[id];
                if (_discarded.Contains(id))
                {
                    _steps.Add(new ChildGradStep(id, null, WantedBy(id)));
                    continue;
                }

                if (node.Op == Op.ChildResult)
                {
                    continue; // written by its child's call (ChildEmitter.Forward)
                }

                var target = _direct.TryGetValue(id, out var t) ? t : new Target(_plan.Buffers[id], Accumulate: false);
                if (node.Op == Op.ChildCall)
                {
                    var input = _graph[node.Args[0]].Shape;
                    string childRows = Shape.ProductCode(input.Dims.Take(input.Rank - node.ChildInput!.Rank));
                    // A child called twice keeps two saved regions: fc1Saved, fc1Saved2.
                    string savedName = _bufferNames.ChildSaved(node.Name);
                    var childSaved = new Buffer(savedName, BufferRole.Workspace, Shape.Scalar) { OffsetName = BufferNames.OffsetOf(savedName), LengthOverride = $"{node.Name}.SavedLength({childRows})" };
                    _plan.Workspace.Add(childSaved);
                    _plan.ChildSaved[id] = childSaved;
                    _steps.Add(new ChildCallStep(id, target, WantedBy(id)));
                }
                else if (node.Op == Op.ChildGrad)
                {
                    _steps.Add(new ChildGradStep(id, target, WantedBy(id)));
                }
                else if (epilogueRoots.TryGetValue(id, out int matmul))
                {
                    _steps.Add(new MatMulStep(matmul, id, target, WantedBy(id)));
                }
                else if (node.Op == Op.MatMul)
                {
                    _steps.Add(new MatMulStep(id, null, target, WantedBy(id)));
                }
                else if (node.Op == Op.ReduceSum)
                {
                    _steps.Add(new ReduceStep(id, target, WantedBy(id)));
                }
                else if (!node.Op.IsElementwise())
                {
                    _steps.Add(new StructuralStep(id, target, WantedBy(id)));
                }
                else
                {
                    _steps.Add(new ElementwiseStep(id, target, WantedBy(id)));
                }
            }
        }

        /// <summary>
        /// The gradients a step is wanted by. A step storing straight into a gradient runs only when that gradient is
        /// wanted, even when its value also feeds other gradients (they then read it from the same buffer only if it is
        /// wanted). A child's backward always runs (its parameters' gradients); it skips an empty input gradient itself.
        /// </summary>
        private EquatableArray<string> WantedBy(int id)
        {
            if (_wanted is null || _graph[id].Op == Op.ChildGrad)
            {
                return EquatableArray<string>.Empty;
            }

            return _direct.TryGetValue(id, out var store) && IsGradient(store.Buffer)
                ? new[] { store.Buffer.Name }.ToEquatableArray()
                : _wanted.Of(id);
        }

        /// <summary>Stores that could not be computed in place copy (or accumulate) from the value's buffer.</summary>
        private void AddCopies()
        {
            foreach (var (node, target) in _stores)
            {
                if (!_direct.TryGetValue(node, out var used) || used != target)
                {
                    _steps.Add(new CopyStep(node, target, _wanted is not null && IsGradient(target.Buffer) ? new[] { target.Buffer.Name }.ToEquatableArray() : WantedBy(node)));
                }
            }
        }

        private int StorageOf(int id) => _lowerer.StorageOf(id);

        private void Assign(int id, Buffer buffer) => _lowerer.Assign(id, buffer);

        private int CountLeafUses(int root, int leaf, HashSet<int> materialised) => _lowerer.CountLeafUses(root, leaf, materialised);

        private bool HasGeneralLeaf(int root, Shape loop, HashSet<int> materialised, int except = -1) => _lowerer.HasGeneralLeaf(root, loop, materialised, except);
    }
}
