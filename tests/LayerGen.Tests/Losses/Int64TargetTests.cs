using System;
using System.Linq;
using LayerGen.Losses;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers;
using Xunit;

namespace LayerGen.Tests.Losses;

/// <summary>
/// Class labels as an int64 tensor, as PyTorch's <c>F.cross_entropy(logits, target)</c> takes long targets:
/// through <see cref="CrossEntropyLoss"/> (its generated kernel), a generated <c>[Loss]</c> class directly,
/// the eager path and the <see cref="Trainer"/>, against PyTorch (Fixtures/ce_long_targets.json).
/// </summary>
[Collection(LayerGen.Tests.Runtime.GlobalRandomCollection.Name)]
public class Int64TargetTests
{
    public Int64TargetTests() => Tensor.ManualSeed(99);

    public static TheoryData<string> Paths => new(["CrossEntropyLoss", "CrossEntropyLoss(5)", "generated kernel", "generated kernel, eager"]);

    [Theory]
    [MemberData(nameof(Paths))]
    public void Cross_entropy_with_long_targets_matches_torch(string path)
    {
        Fixture fixture = Fixture.Load("ce_long_targets");
        Tensor logits = fixture.Inputs["logits"].ToTensor();
        logits.RequiresGrad = true;
        Tensor target = fixture.LayerIds("ids");
        Assert.Equal(DType.Int64, target.DType);

        Tensor loss = path switch
        {
            "CrossEntropyLoss" => new CrossEntropyLoss().Call(logits, target),
            "CrossEntropyLoss(5)" => new CrossEntropyLoss(5).Call(logits, target),
            "generated kernel" => new CrossEntropyMeanKernel(5).Call(logits, target),
            _ => new CrossEntropyMeanKernel(5).CallEager(logits, target),
        };

        TensorAssert.Close(fixture.Output, loss.Data, loss.Shape, path + " loss");
        loss.Backward(fixture.Dy.ToTensor());
        TensorAssert.Close(fixture.Grads["logits"], logits.Grad!.Data, logits.Grad.Shape, path + " d/dlogits");
    }

    [Fact]
    public void The_kernel_runs_for_int64_targets()
    {
        var loss = new CrossEntropyLoss();
        loss.Call(Tensor.Randn(3, 4), Tensor.FromIds(0, 3, 1));
        // Four classes: this assembly constructs CrossEntropyLoss(4), so the generator emitted that kernel with constant bounds here.
        Assert.Equal("CrossEntropyMeanKernel[classes=4]", loss.KernelName);
    }

    [Fact]
    public void Long_targets_give_the_int_label_result_bit_for_bit()
    {
        Tensor logits = Tensor.Randn(5, 7) * 3f;
        int[] labels = [6, 0, 3, 3, 1];
        foreach (ILoss loss in new ILoss[] { new CrossEntropyLoss(Reduction.Sum), new CrossEntropySumKernel(7) })
        {
            Assert.Equal(loss.Call(logits, labels).Item(), loss.Call(logits, Tensor.FromIds(labels.Select(l => (long)l).ToArray())).Item());
        }
    }

    [Theory]
    [InlineData(7L)]
    [InlineData(-1L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void A_long_target_outside_the_classes_names_it_its_position_and_the_class_count(long bad)
    {
        Tensor target = Tensor.FromIds(0, 6, bad, 2);
        foreach (ILoss loss in new ILoss[] { new CrossEntropyLoss(), new CrossEntropyLoss(7), new CrossEntropyMeanKernel(7) })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => loss.Call(Tensor.Randn(4, 7), target));
            Assert.Equal(bad, e.ActualValue);
            Assert.Contains($"{loss.LossName}: label {bad} at position 2 is not a class: labels must be in [0, 7) for 7 classes.", e.Message, StringComparison.Ordinal);
        }

        var eager = Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEntropyMeanKernel(7).CallEager(Tensor.Randn(4, 7), target));
        Assert.Contains($"Pick: label {bad} at position 2 is not a class: labels must be in [0, 7).", eager.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Losses_with_float_targets_refuse_long_targets_and_say_how_to_convert()
    {
        foreach (ILoss loss in new ILoss[] { new MseLoss(), new BceWithLogitsLoss(), new HuberLoss() })
        {
            var e = Assert.Throws<NotSupportedException>(() => loss.Call(Tensor.Randn(4, 1), Tensor.FromIds([0, 1, 1, 0], 4, 1)));
            Assert.Contains($"{loss.LossName} takes float targets, not class labels: pass the targets as a float32 Tensor (ToFloat() converts int64 ones).", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_trainer_step_on_long_targets_is_the_step_on_int_labels()
    {
        float[] initial = [];
        float[] RunStep(Func<Trainer, Tensor, float> step)
        {
            Tensor.ManualSeed(5);
            var model = new Sequential(new Linear(3, 6), new Tanh(), new Linear(6, 4));
            if (initial.Length == 0)
            {
                initial = model.Parameters().SelectMany(p => p.Data).ToArray();
            }

            var trainer = new Trainer(model, new CrossEntropyLoss(4), new Sgd(model.Parameters(), 0.1), maxRows: 4);
            Tensor features = Tensor.Randn(4, 3);
            step(trainer, features);
            return model.Parameters().SelectMany(p => p.Data).ToArray();
        }

        float[] viaInts = RunStep((t, x) => t.Step(x, [1, 3, 0, 2]));
        float[] viaLongs = RunStep((t, x) => t.Step(x, Tensor.FromIds(1, 3, 0, 2)));

        Assert.NotEqual(initial, viaInts); // the step moved the weights
        Assert.Equal(viaInts, viaLongs);
    }

    [Fact]
    public void A_trainer_step_with_a_bad_long_target_throws_before_changing_anything()
    {
        var model = new Sequential(new Linear(3, 6), new Tanh(), new Linear(6, 4));
        var trainer = new Trainer(model, new CrossEntropyLoss(4), new Sgd(model.Parameters(), 0.1), maxRows: 4);
        float[] before = model.Parameters().SelectMany(p => p.Data).ToArray();

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Step(Tensor.Randn(4, 3), Tensor.FromIds(1, 4, 0, 2)));

        Assert.Contains("label 4 at position 1 is not a class: labels must be in [0, 4) for 4 classes.", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, model.Parameters().SelectMany(p => p.Data));
    }
}
