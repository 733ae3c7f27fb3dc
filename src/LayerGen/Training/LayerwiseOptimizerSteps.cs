using System.Collections.Generic;

namespace LayerGen;

/// <summary>
/// Runs the optimiser's update of a <see cref="Sequential"/> model layer by layer during the backward pass
/// (what PyTorch users do with "optimizer in backward" hooks): each parameter is updated as soon as the
/// last child that uses it has finished its backward, while its values and gradient are still in cache,
/// instead of in one more pass over every parameter at the end.
/// </summary>
/// <remarks>
/// <para>The result is <see cref="Optimizer.Step()"/>'s, bit for bit: each parameter is updated once,
/// from its final gradient, by its own element-wise update (which reads no other parameter), and only
/// after every child that reads it is done — the backward walks the children last to first, so a
/// parameter shared by several children is updated after the first of them.</para>
/// <para>The grouping is taken when the trainer is built, from each child's parameters then; the optimiser's
/// parameter list is fixed at its construction too, so a model whose parameters are re-shared
/// afterwards needs a new optimiser and trainer anyway. Optimiser parameters that no child holds are
/// updated at the end.</para>
/// </remarks>
internal sealed class LayerwiseOptimizerSteps : IChildBackwardListener
{
    private readonly Optimizer _optimizer;
    private readonly int[][] _afterChild;  // optimiser parameter indices to update after child i's backward
    private readonly int[] _atEnd;         // those no child holds

    private LayerwiseOptimizerSteps(Optimizer optimizer, int[][] afterChild, int[] atEnd)
    {
        _optimizer = optimizer;
        _afterChild = afterChild;
        _atEnd = atEnd;
    }

    /// <summary>The plan for <paramref name="model"/>, or null when it is not a non-empty <see cref="Sequential"/>.</summary>
    public static LayerwiseOptimizerSteps? For(ILayer model, Optimizer optimizer)
    {
        if (model is not Sequential sequential || sequential.Count == 0)
        {
            return null;
        }

        var index = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < optimizer.Parameters.Count; i++)
        {
            index[optimizer.Parameters[i]] = i;
        }

        // The first child holding a parameter is the last to use it in the backward pass.
        var owner = new int[optimizer.Parameters.Count];
        System.Array.Fill(owner, -1);
        for (int child = sequential.Count - 1; child >= 0; child--)
        {
            foreach (Tensor parameter in sequential.ModuleAt(child).Parameters())
            {
                if (index.TryGetValue(parameter, out int i))
                {
                    owner[i] = child;
                }
            }
        }

        var afterChild = new List<int>[sequential.Count];
        var atEnd = new List<int>();
        for (int child = 0; child < afterChild.Length; child++)
        {
            afterChild[child] = new List<int>();
        }

        for (int i = 0; i < owner.Length; i++)
        {
            (owner[i] >= 0 ? afterChild[owner[i]] : atEnd).Add(i);
        }

        return new LayerwiseOptimizerSteps(optimizer, System.Array.ConvertAll(afterChild, l => l.ToArray()), atEnd.ToArray());
    }

    /// <summary>
    /// The plan for a model that is one layer (a generated training step's): its parameters after its backward (child 0),
    /// the optimiser's others at the end. The same updates as <see cref="Optimizer.Step()"/> after the backward, bit for bit.
    /// </summary>
    public static LayerwiseOptimizerSteps ForOneLayer(ILayer model, Optimizer optimizer)
    {
        var held = new HashSet<Tensor>(model.Parameters(), ReferenceEqualityComparer.Instance);
        var afterLayer = new List<int>();
        var atEnd = new List<int>();
        for (int i = 0; i < optimizer.Parameters.Count; i++)
        {
            (held.Contains(optimizer.Parameters[i]) ? afterLayer : atEnd).Add(i);
        }

        return new LayerwiseOptimizerSteps(optimizer, [afterLayer.ToArray()], atEnd.ToArray());
    }

    public void AfterChildBackward(int index)
    {
        foreach (int i in _afterChild[index])
        {
            _optimizer.StepParameter(i);
        }
    }

    /// <summary>Updates the parameters no child holds; call after the backward pass.</summary>
    public void Finish()
    {
        foreach (int i in _atEnd)
        {
            _optimizer.StepParameter(i);
        }
    }
}
