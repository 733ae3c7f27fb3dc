using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers;
using Xunit;

namespace LayerGen.Tests.Losses;

/// <summary>
/// D2L's cross-entropy (4.4) written as a user loss with nothing that fixes its classes: no <c>Input</c> declaration
/// and no size parameter. The forward implies <c>[*, classes]</c> (Pick picks along the last axis), so the generator
/// gives the loss a run-time size read from the input at each call. Checked through its generated kernel against
/// PyTorch's <c>F.cross_entropy</c> (Fixtures/ce_long_targets.json), against its eager path at another class count on
/// the same instance, and through the span API told the row length.
/// </summary>
[Collection(LayerGen.Tests.Runtime.GlobalRandomCollection.Name)]
public class RunTimeClassesLossTests
{
    [Fact]
    public void A_cross_entropy_with_no_declared_classes_matches_PyTorch_through_its_generated_kernel()
    {
        var loss = new D2lCrossEntropy();
        Assert.Equal("D2lCrossEntropy[run-time sizes]", loss.KernelName);
        Fixture fixture = Fixture.Load("ce_long_targets");
        Tensor logits = fixture.Inputs["logits"].ToTensor();
        logits.RequiresGrad = true;
        Tensor target = fixture.LayerIds("ids");

        Tensor value = loss.Call(logits, target);
        Assert.Equal(5, loss.InputRowLength);
        TensorAssert.Close(fixture.Output, value.Data, value.Shape, "loss");
        value.Backward(fixture.Dy.ToTensor());
        TensorAssert.Close(fixture.Grads["logits"], logits.Grad!.Data, logits.Grad.Shape, "d/dlogits");
    }

    [Fact]
    public void The_same_instance_follows_the_class_count_of_each_call()
    {
        Tensor.ManualSeed(61);
        var loss = new D2lCrossEntropy();
        foreach (int classes in new[] { 3, 11, 2 })
        {
            var logits = Tensor.Randn(4, 2, classes);
            var labels = Tensor.FromIds(0, classes - 1, 1 % classes, 0, classes - 1, 0, 1, classes / 2);
            var target = labels.Reshape(4, 2);
            float generated = loss.Call(logits, target).Item();
            Assert.Equal(classes, loss.InputRowLength);
            float eager = loss.CallEager(logits, target).Item();
            Assert.True(TensorAssert.IsClose(eager, generated, 1e-6, 1e-5), $"{classes} classes: eager {eager}, generated {generated}");
        }
    }

    [Fact]
    public void Integer_labels_are_checked_against_the_classes_of_the_call()
    {
        Tensor.ManualSeed(62);
        var loss = new D2lCrossEntropy();
        loss.Call(Tensor.Randn(2, 9), Tensor.FromIds(8, 0)); // an earlier call with more classes
        var logits = Tensor.Randn(2, 3);
        float generated = loss.Call(logits, new[] { 2, 0 }).Item();
        float eager = loss.CallEager(logits, Tensor.FromIds(2, 0)).Item();
        Assert.True(TensorAssert.IsClose(eager, generated, 1e-6, 1e-5), $"eager {eager}, generated {generated}");
        Assert.Throws<ArgumentOutOfRangeException>(() => loss.Call(logits, new[] { 0, 3 }));
    }

    [Fact]
    public void The_span_API_is_told_the_row_length()
    {
        Fixture fixture = Fixture.Load("ce_long_targets");
        Tensor logits = fixture.Inputs["logits"].ToTensor();
        Tensor ids = fixture.LayerIds("ids");
        var target = new float[ids.Count];
        for (int i = 0; i < target.Length; i++)
        {
            target[i] = ids.LongData[i];
        }

        var loss = new D2lCrossEntropy { InputRowLength = 5 };
        var saved = new float[loss.SavedLength(6)];
        float value = loss.ForwardSpan(6, logits.Data, target, saved);
        TensorAssert.Close(fixture.Output, new[] { value }, Array.Empty<int>(), "loss");
        var inputGrad = new float[logits.Count];
        loss.BackwardSpan(6, logits.Data, target, 1f, inputGrad, saved);
        var expected = fixture.Grads["logits"].ToTensor() * (1f / fixture.Dy.ToTensor().Item()); // the fixture's gradient is for dy, this one for 1
        TensorAssert.Close(new FixtureTensor(expected.Shape.ToArray(), expected.Data), inputGrad, logits.Shape, "d/dlogits");
    }

    [Fact]
    public void A_Trainer_tells_the_loss_its_classes_and_steps_with_the_loss_the_eager_path_gives()
    {
        Tensor.ManualSeed(63);
        var model = new Sequential(new Linear(4, 6));
        var loss = new D2lCrossEntropy();
        Assert.Equal(0, loss.InputRowLength);
        var trainer = new Trainer(model, loss, new Sgd(model.Parameters(), 0.1), maxRows: 3);
        Assert.Equal(6, loss.InputRowLength); // the model's output row
        var x = Tensor.Randn(3, 4);
        int[] labels = [5, 0, 2];
        for (int step = 0; step < 3; step++)
        {
            float expected = loss.CallEager(model.CallEager(x), Tensor.FromIds(5, 0, 2)).Item();
            float actual = trainer.Step(x, labels);
            Assert.True(TensorAssert.IsClose(expected, actual, 1e-6, 1e-5), $"step {step}: eager {expected}, trainer {actual}");
        }
    }

    [Fact]
    public void The_span_API_refuses_an_input_whose_length_is_not_the_told_rows()
    {
        var loss = new D2lCrossEntropy { InputRowLength = 4 };
        var saved = new float[loss.SavedLength(2)];
        Assert.Throws<ArgumentException>(() => loss.ForwardSpan(2, new float[10], new float[2], saved));
    }
}

/// <summary>D2L's <c>cross_entropy(y_hat, y) = -log(y_hat[range(len(y_hat)), y])</c> on logits, averaged: no declared input, no sizes.</summary>
[Loss]
public partial class D2lCrossEntropy
{
    Tensor Forward(Tensor yHat, Tensor y) => -Ops.Pick(Ops.LogSoftmax(yHat, -1), y).Mean();
}
