using System;
using System.Linq;
using LayerGen.Losses;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers;
using LayerGen.Tests.Training;
using Xunit;

namespace LayerGen.Tests.Losses;

/// <summary>
/// Class labels as integers, as PyTorch's <c>cross_entropy</c> takes them (int64 targets): on the loss
/// (<see cref="ILoss.Call(Tensor, ReadOnlySpan{int})"/>), the <see cref="Trainer"/> and
/// <see cref="ClassificationAccuracy"/>. A label outside [0, classes) is an error naming the label, its
/// position and the class count (PyTorch raises too), never a silent pick of another class.
/// </summary>
[Collection(LayerGen.Tests.Runtime.GlobalRandomCollection.Name)]
public class IntegerLabelTests
{
    public IntegerLabelTests() => Tensor.ManualSeed(1234);

    [Fact]
    public void Cross_entropy_on_integer_labels_matches_torch_loss_and_every_gradient()
    {
        var fixture = Fixture.Load("mlp_ce_64_32_10_b16");
        var net = new Sequential(new Linear(64, 32), new TanhLayer(), new Linear(32, 10));
        FixtureLayers.LoadParameters(net, fixture);
        var x = fixture.Inputs["x"].ToTensor();
        x.RequiresGrad = true;
        int[] labels = fixture.LayerInts("labels");

        Tensor value = new CrossEntropyLoss().Call(net.Call(x), labels);

        TensorAssert.Close(fixture.Output, value.Data, value.Shape, "cross-entropy");
        value.Backward(fixture.Dy.ToTensor());
        TensorAssert.Close(fixture.Grads["x"], x.Grad!.Data, x.Grad.Shape, "d/dx");
        foreach (var (name, parameter) in net.NamedParameters())
        {
            TensorAssert.Close(fixture.Grads[name], parameter.Grad!.Data, parameter.Grad.Shape, $"d/d{name}");
        }
    }

    public static TheoryData<string> Losses => new(["mean", "sum", "mean, classes given", "generated kernel through ILoss"]);

    private static ILoss Loss(string kind) => kind switch
    {
        "mean" => new CrossEntropyLoss(),
        "sum" => new CrossEntropyLoss(Reduction.Sum),
        "mean, classes given" => new CrossEntropyLoss(7),
        _ => new CrossEntropyMeanKernel(7),
    };

    [Theory]
    [MemberData(nameof(Losses))]
    public void Integer_labels_give_the_float_label_result_bit_for_bit(string kind)
    {
        Tensor logits = Tensor.Randn(5, 7) * 3f;
        int[] labels = [6, 0, 3, 3, 1];

        Tensor viaFloats = Leaf(logits, out Tensor floatInput);
        Tensor floatLoss = Loss(kind).Call(viaFloats, Tensor.From(labels.Select(l => (float)l).ToArray()));
        floatLoss.Backward();

        Tensor viaInts = Leaf(logits, out Tensor intInput);
        Tensor intLoss = Loss(kind).Call(viaInts, labels);
        intLoss.Backward();

        Assert.Equal(floatLoss.Item(), intLoss.Item());
        Assert.Equal(floatInput.Grad!.Data, intInput.Grad!.Data);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void A_label_outside_the_classes_is_refused_naming_it_its_position_and_the_class_count(int bad)
    {
        int[] labels = [0, 6, bad, 2];
        foreach (ILoss loss in new ILoss[] { new CrossEntropyLoss(), new CrossEntropyLoss(7), new CrossEntropyMeanKernel(7) })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => loss.Call(Tensor.Randn(4, 7), labels));
            AssertNames(e, bad, position: 2, classes: 7);
        }
    }

    [Fact]
    public void Losses_with_float_targets_refuse_class_labels()
    {
        // PyTorch's mse_loss, binary_cross_entropy_with_logits and huber_loss reject integer targets too.
        foreach (ILoss loss in new ILoss[] { new MseLoss(), new BceWithLogitsLoss(), new HuberLoss(), new HuberLoss(2f) })
        {
            var e = Assert.Throws<NotSupportedException>(() => loss.Call(Tensor.Randn(4, 1), [0, 1, 1, 0]));
            Assert.Contains(loss.LossName, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_trainer_step_with_a_label_outside_the_classes_throws_before_changing_anything()
    {
        var (trainer, features) = Classifier(classes: 5, rows: 4);
        float[] before = trainer.Model.Parameters().SelectMany(p => p.Data).ToArray();

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Step(features, [1, 4, 0, 5]));

        AssertNames(e, 5, position: 3, classes: 5);
        Assert.Equal(before, trainer.Model.Parameters().SelectMany(p => p.Data));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Step(features, [-3, 4, 0, 1]));
        Assert.True(float.IsFinite(trainer.Step(features, [1, 4, 0, 2]))); // and the trainer still works
    }

    [Fact]
    public void A_trainer_step_checks_the_number_of_labels_against_its_buffers_and_the_features()
    {
        var (trainer, features) = Classifier(classes: 5, rows: 4);

        var tooMany = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Step(Tensor.Randn(5, 3), [0, 1, 2, 3, 4]));
        Assert.Contains("between 1 and 4 rows", tooMany.Message, StringComparison.Ordinal);
        var mismatch = Assert.Throws<ArgumentException>(() => trainer.Step(features, [0, 1, 2]));
        Assert.Contains("12 feature values", mismatch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trainer_with_a_float_target_loss_refuses_class_labels()
    {
        var model = new Linear(3, 1);
        var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.1), maxRows: 4);
        float[] before = model.Parameters().SelectMany(p => p.Data).ToArray();

        var e = Assert.Throws<NotSupportedException>(() => trainer.Step(Tensor.Randn(4, 3), [0, 1, 1, 0]));

        Assert.Contains("MseLoss", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, model.Parameters().SelectMany(p => p.Data));
    }

    [Fact]
    public void Fit_reports_a_bad_label_of_its_batches()
    {
        var (trainer, _) = Classifier(classes: 5, rows: 4);
        float[] x = Tensor.Randn(6, 3).Data.ToArray();
        var batches = new MiniBatches(x, 3, new[] { 0, 1, 2, 3, 4, 9 }, batchSize: 4);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(batches, epochs: 1));

        AssertNames(e, 9, position: 1, classes: 5); // the second batch holds samples 4 and 5
    }

    [Fact]
    public void Classification_accuracy_refuses_a_label_the_model_has_no_output_for()
    {
        var model = new Linear(3, 4);
        float[] x = Tensor.Randn(3, 3).Data.ToArray();
        int[] labels = [0, 3, 2];
        var accuracy = new ClassificationAccuracy(model, x, labels);
        Assert.InRange(accuracy.Evaluate(), 0, 1);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ClassificationAccuracy(model, x, new[] { 0, 4, 2 }));
        AssertNames(e, 4, position: 1, classes: 4);

        labels[2] = -1; // the data are not copied: a later change is caught when evaluating
        e = Assert.Throws<ArgumentOutOfRangeException>(() => accuracy.Evaluate());
        AssertNames(e, -1, position: 2, classes: 4);
    }

    private static (Trainer Trainer, Tensor Features) Classifier(int classes, int rows)
    {
        var model = new Sequential(new Linear(3, 6), new Tanh(), new Linear(6, classes));
        var trainer = new Trainer(model, new CrossEntropyLoss(classes), new Sgd(model.Parameters(), 0.1), maxRows: rows);
        return (trainer, Tensor.Randn(rows, 3));
    }

    /// <summary>A copy of <paramref name="values"/> as a leaf that requires grad, and the same tensor as the loss's input.</summary>
    private static Tensor Leaf(Tensor values, out Tensor leaf)
    {
        leaf = Tensor.From(values.Data.ToArray(), values.Shape.ToArray());
        leaf.RequiresGrad = true;
        return leaf;
    }

    private static void AssertNames(ArgumentOutOfRangeException e, int label, int position, int classes)
    {
        Assert.Equal("labels", e.ParamName);
        Assert.Equal(label, e.ActualValue);
        Assert.Contains($"label {label} at position {position}", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{classes} classes", e.Message, StringComparison.Ordinal);
    }
}
