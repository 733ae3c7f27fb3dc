using System;
using System.Collections.Generic;

namespace LayerGen;

/// <summary>
/// Reverse-mode accumulation over the recorded graph: what <see cref="Tensor.Backward(Tensor, bool)"/> runs.
/// </summary>
/// <remarks>
/// Deliberately simple (micrograd's shape): sort the nodes reachable from the root so that every
/// node comes after all of its consumers, then run each once. Gradients of non-leaf tensors live in
/// buffers owned by this pass and dropped at its end (PyTorch does not keep them either); gradients
/// of leaves accumulate straight into their <see cref="Tensor.Grad"/>.
/// </remarks>
internal static class BackwardEngine
{
    private const string SecondBackwardMessage =
        "Trying to backward through the graph a second time (or directly access saved tensors after they have " +
        "already been freed). Saved intermediate values of the graph are freed when you call .Backward(). " +
        "Specify retainGraph: true if you need to backward through the graph a second time or if you need to " +
        "access saved tensors after calling backward.";

    public static void Run(Tensor root, Tensor gradient, bool retainGraph)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        if (!root.RequiresGrad)
        {
            throw new InvalidOperationException("element 0 of tensors does not require grad and does not have a grad_fn");
        }

        if (!root.Shape.SequenceEqual(gradient.Shape))
        {
            throw new ArgumentException(
                $"Mismatch in shape: gradient has a shape of {Tensor.FormatShape(gradient.Shape)} and output has a shape of {Tensor.FormatShape(root.Shape)}.",
                nameof(gradient));
        }

        if (root.GradFn is null)
        {
            // A leaf as root: d root / d root is the identity, so its gradient is just the seed.
            Accumulate(root.EnsureGrad().Data, gradient.Data);
            return;
        }

        List<GradFn> order = TopologicalOrder(root.GradFn);

        // Check before running anything, so that a refused pass leaves no partial gradients behind.
        foreach (GradFn node in order)
        {
            if (node.Released)
            {
                throw new InvalidOperationException(SecondBackwardMessage);
            }
        }

        var outputGrads = new Dictionary<GradFn, float[]>(ReferenceEqualityComparer.Instance)
        {
            [root.GradFn] = gradient.ToArray(),
        };

        foreach (GradFn node in order)
        {
            // Every reachable node runs, even one whose output gradient stayed zero or whose inputs
            // need no gradient: a layer node accumulates its parameters' gradients itself, and its
            // parameters are not among its inputs.
            float[] outputGrad = outputGrads[node];
            outputGrads.Remove(node); // consumed: let it be collected while the rest of the pass runs

            IReadOnlyList<Tensor> inputs = node.Inputs;
            var inputGrads = new float[]?[inputs.Count];
            for (int i = 0; i < inputs.Count; i++)
            {
                inputGrads[i] = GradBufferFor(inputs[i], outputGrads);
            }

            node.Backward(outputGrad, inputGrads);
            if (!retainGraph)
            {
                node.Released = true;
            }
        }
    }

    // Where the gradient of `input` accumulates: the leaf's own Grad, a pass-owned buffer for a
    // non-leaf (shared by every consumer of that tensor), or nowhere.
    private static float[]? GradBufferFor(Tensor input, Dictionary<GradFn, float[]> outputGrads)
    {
        if (input.GradFn is { } producer)
        {
            if (!outputGrads.TryGetValue(producer, out float[]? buffer))
            {
                buffer = new float[input.Count];
                outputGrads[producer] = buffer;
            }

            return buffer;
        }

        return input.RequiresGrad ? input.EnsureGrad().Data : null;
    }

    // Reverse post-order of a depth-first search from the root: every node precedes its producers.
    // Iterative, so that a long chain of operations cannot overflow the stack.
    private static List<GradFn> TopologicalOrder(GradFn root)
    {
        var postOrder = new List<GradFn>();
        var visited = new HashSet<GradFn>(ReferenceEqualityComparer.Instance) { root };
        var stack = new Stack<(GradFn Node, int NextInput)>();
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            (GradFn node, int next) = stack.Pop();
            if (next < node.Inputs.Count)
            {
                stack.Push((node, next + 1));
                if (node.Inputs[next].GradFn is { } producer && visited.Add(producer))
                {
                    stack.Push((producer, 0));
                }
            }
            else
            {
                postOrder.Add(node);
            }
        }

        postOrder.Reverse();
        return postOrder;
    }

    private static void Accumulate(float[] destination, float[] source)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] += source[i];
        }
    }
}
