using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>A classifier whose output depends on the mode: dropout on the logits.</summary>
[Layer]
public partial class DropoutClassifier(int inputs, int classes)
{
    private readonly Linear fc = new(inputs, classes);

    private Tensor Forward(Tensor x) => Ops.Dropout(fc.Call(x), 0.5f);
}

/// <summary><see cref="ClassificationAccuracy"/>: argmax against labels, in batches, in evaluation mode, without allocating.</summary>
public class ClassificationAccuracyTests
{
    [Fact]
    public void ArgMax_takes_the_first_largest_and_a_NaN_as_torch_does()
    {
        Assert.Equal(2, ClassificationAccuracy.ArgMax([1f, 2f, 3f, 0f]));
        Assert.Equal(1, ClassificationAccuracy.ArgMax([1f, 5f, 5f, 0f]));
        Assert.Equal(0, ClassificationAccuracy.ArgMax([-1f]));
        Assert.Equal(1, ClassificationAccuracy.ArgMax([1f, float.NaN, 9f, float.NaN]));
        Assert.Equal(0, ClassificationAccuracy.ArgMax([float.NaN, 9f]));
        Assert.Equal(2, ClassificationAccuracy.ArgMax([float.NegativeInfinity, -3f, float.PositiveInfinity]));
        Assert.Throws<ArgumentException>(() => ClassificationAccuracy.ArgMax([]));
    }

    [Theory]
    [InlineData(256)]
    [InlineData(8)] // 37 = 4 * 8 + 5: a last, partial batch
    [InlineData(1)]
    public void Counts_the_rows_whose_argmax_is_the_label(int batchSize)
    {
        Tensor.ManualSeed(3);
        var model = new Sequential(new Linear(5, 7), new ReLU(), new Linear(7, 4));
        var x = Tensor.Randn(37, 5);
        var labels = Enumerable.Range(0, 37).Select(i => (i * 7) % 4).ToArray();

        // The reference: the tensor API, row by row.
        Tensor logits = model.Call(x);
        int expected = Enumerable.Range(0, 37).Count(r =>
            Enumerable.Range(0, 4).MaxBy(c => logits[r, c]) == labels[r]);

        var accuracy = new ClassificationAccuracy(model, x.Data, labels, batchSize);
        Assert.Equal(expected, accuracy.CountCorrect());
        Assert.Equal(expected / 37.0, accuracy.Evaluate());
        Assert.InRange(expected, 1, 36); // the check means something
    }

    [Fact]
    public void Evaluates_in_evaluation_mode_and_restores_the_mode()
    {
        Tensor.ManualSeed(4);
        var model = new DropoutClassifier(6, 3);
        var x = Tensor.Randn(200, 6);
        Tensor logits = model.Eval().Call(x);
        int[] predicted = Enumerable.Range(0, 200).Select(r => Enumerable.Range(0, 3).MaxBy(c => logits[r, c])).ToArray();

        model.Train();
        var accuracy = new ClassificationAccuracy(model, x.Data, predicted);
        Assert.Equal(1.0, accuracy.Evaluate()); // with dropout on, some rows would change their argmax
        Assert.True(model.Training);

        model.Eval();
        Assert.Equal(1.0, accuracy.Evaluate());
        Assert.False(model.Training);
    }

    [Fact]
    public void A_warm_evaluation_allocates_nothing()
    {
        Tensor.ManualSeed(5);
        var model = new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 10));
        var x = Tensor.Randn(100, 8);
        var labels = Enumerable.Range(0, 100).Select(i => i % 10).ToArray();
        var accuracy = new ClassificationAccuracy(model, x.Data, labels, batchSize: 32);
        Assert.Equal(0, Allocations.AfterWarmUp(() => accuracy.Evaluate(), calls: 20));
    }

    [Fact]
    public void Sizes_are_checked()
    {
        var model = new Linear(3, 2);
        Assert.Throws<ArgumentException>(() => new ClassificationAccuracy(model, new float[10], new int[3]));
        Assert.Throws<ArgumentException>(() => new ClassificationAccuracy(model, Array.Empty<float>(), Array.Empty<int>()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassificationAccuracy(model, new float[9], new int[3], batchSize: 0));
        Assert.Equal(3, new ClassificationAccuracy(model, new float[9], new int[3], batchSize: 100).BatchSize);
    }
}
