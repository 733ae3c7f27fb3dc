using System;
using System.Linq;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>
/// The oracle of the generated whole-model step: the same model, twinned from the same seed, trained by a
/// <see cref="Trainer"/> told not to use it (<see cref="Trainer.UsesGeneratedStep"/> = false), which steps layer by layer
/// through the span API. Same kernels in the same order: five steps agree bit for bit in the loss, every parameter and
/// every gradient. Also how many bytes a warm step allocates.
/// </summary>
internal static class StepTwins
{
    /// <summary>Five steps of both trainers on float features (a smaller batch at the fourth), compared bit for bit.</summary>
    /// <param name="build">Builds the model; called twice, from one seed.</param>
    /// <param name="optimizer">The optimiser of a model.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="rows">The batch.</param>
    /// <param name="classes">Class labels in [0, classes) as targets; 0: float targets.</param>
    /// <param name="updateInBackward">Fold plain SGD into the backward.</param>
    public static void TrainBoth(Func<ILayer> build, Func<ILayer, Optimizer> optimizer, Func<ILoss> loss, int rows, int classes, bool updateInBackward = false) =>
        TrainBoth(build, optimizer, loss, rows, classes, updateInBackward, vocabulary: 0);

    /// <summary>As <see cref="TrainBoth(Func{ILayer}, Func{ILayer, Optimizer}, Func{ILoss}, int, int, bool)"/>, on a model that takes int64 ids below <paramref name="vocabulary"/>.</summary>
    public static void TrainBothOnIds(Func<ILayer> build, Func<ILayer, Optimizer> optimizer, Func<ILoss> loss, int rows, int classes, int vocabulary) =>
        TrainBoth(build, optimizer, loss, rows, classes, updateInBackward: false, vocabulary);

    private static void TrainBoth(Func<ILayer> build, Func<ILayer, Optimizer> optimizer, Func<ILoss> loss, int rows, int classes, bool updateInBackward, int vocabulary)
    {
        Tensor.ManualSeed(11);
        var model = build();
        Tensor.ManualSeed(11);
        var twin = build();
        var trainer = new Trainer(model, loss(), optimizer(model), maxRows: rows, updateInBackward);
        var reference = new Trainer(twin, loss(), optimizer(twin), maxRows: rows, updateInBackward) { UsesGeneratedStep = false };
        Assert.StartsWith("generated step: ", trainer.StepName);
        Assert.StartsWith("layer by layer", reference.StepName);

        Tensor.ManualSeed(12);
        var random = new Random(12);
        for (int step = 0; step < 5; step++)
        {
            // Smaller batches too: the step's layout follows the rows.
            int batch = step == 3 ? rows - 1 : rows;
            float[] target = classes > 0
                ? Enumerable.Range(0, batch).Select(_ => (float)random.Next(classes)).ToArray()
                : Tensor.Randn(batch, model.OutputRowLength).Data.ToArray();
            float ours, expected;
            if (vocabulary > 0)
            {
                var ids = Tensor.FromIds(Enumerable.Range(0, batch * model.InputRowLength).Select(_ => (long)random.Next(vocabulary)).ToArray(), batch, model.InputRowLength);
                Tensor targets = classes > 0
                    ? Tensor.FromIds(target.Select(t => (long)t).ToArray(), batch)
                    : Tensor.From(target, batch, model.OutputRowLength);
                ours = trainer.Step(ids, targets);
                expected = reference.Step(ids, targets);
            }
            else
            {
                var x = Tensor.Randn(batch, model.InputRowLength).Data.ToArray();
                ours = trainer.Step(x, target, batch);
                expected = reference.Step(x, target, batch);
            }

            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(ours));
            var oursParameters = model.Parameters().ToArray();
            var expectedParameters = twin.Parameters().ToArray();
            Assert.NotEmpty(oursParameters);
            for (int i = 0; i < oursParameters.Length; i++)
            {
                Assert.True(expectedParameters[i].Data.SequenceEqual(oursParameters[i].Data), $"step {step}: parameter {i} differs from the layer-by-layer step");
                if (!updateInBackward) // folded into the backward, no gradient is stored
                {
                    Assert.True(expectedParameters[i].Grad!.Data.SequenceEqual(oursParameters[i].Grad!.Data), $"step {step}: gradient {i} differs from the layer-by-layer step");
                }
            }
        }
    }
}
