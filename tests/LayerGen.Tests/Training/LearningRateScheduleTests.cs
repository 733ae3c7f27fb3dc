using System;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>
/// The schedules against PyTorch's closed forms, and against the recursions its <c>step()</c> actually
/// runs (torch/optim/lr_scheduler.py, transcribed below), which agree with the closed forms.
/// </summary>
public sealed class LearningRateScheduleTests
{
    private static Sgd SgdWithRate(double lr) => new([Tensor.From(1f).AsParameter()], lr);

    [Fact]
    public void StepLR_decays_by_gamma_every_step_size_epochs()
    {
        Sgd sgd = SgdWithRate(0.1);
        var schedule = new StepLR(sgd, stepSize: 3, gamma: 0.5);
        double[] expected = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125];
        double recursive = 0.1;
        for (int epoch = 0; epoch < expected.Length; epoch++)
        {
            if (epoch > 0)
            {
                schedule.Step();
                recursive = epoch % 3 != 0 ? recursive : recursive * 0.5; // StepLR.get_lr
            }

            Assert.Equal(epoch, schedule.Epoch);
            Assert.Equal(0.1 * Math.Pow(0.5, epoch / 3), sgd.LearningRate);
            Assert.Equal(expected[epoch], sgd.LearningRate, 1e-15);
            Assert.Equal(recursive, sgd.LearningRate, 1e-15);
            Assert.Equal(sgd.LearningRate, schedule.LearningRateAt(epoch));
        }
    }

    [Fact]
    public void CosineAnnealingLR_follows_half_a_cosine_to_eta_min_and_back()
    {
        Sgd sgd = SgdWithRate(0.1);
        const int tMax = 10;
        const double etaMin = 0.001;
        var schedule = new CosineAnnealingLR(sgd, tMax, etaMin);
        Assert.Equal(0.1, sgd.LearningRate);
        double recursive = 0.1;
        double previous = double.PositiveInfinity;
        for (int epoch = 1; epoch <= 3 * tMax; epoch++)
        {
            schedule.Step();
            recursive = CosineGetLr(recursive, 0.1, etaMin, tMax, epoch);
            double closed = etaMin + (0.1 - etaMin) * (1 + Math.Cos(Math.PI * epoch / tMax)) / 2;
            Assert.Equal(closed, sgd.LearningRate);
            Assert.Equal(recursive, sgd.LearningRate, 1e-12);
            if (epoch <= tMax)
            {
                Assert.True(sgd.LearningRate < previous, $"epoch {epoch}: not decreasing");
                previous = sgd.LearningRate;
            }
        }

        Assert.Equal(0.1, schedule.LearningRateAt(0));
        Assert.Equal((0.1 + etaMin) / 2, schedule.LearningRateAt(tMax / 2), 1e-15);
        Assert.Equal(etaMin, schedule.LearningRateAt(tMax), 1e-15);
        Assert.Equal(0.1, schedule.LearningRateAt(2 * tMax), 1e-15);
    }

    [Fact]
    public void Setting_the_epoch_resumes_a_schedule()
    {
        Sgd sgd = SgdWithRate(0.2);
        var schedule = new CosineAnnealingLR(sgd, tMax: 8);
        schedule.Epoch = 5;
        Assert.Equal(schedule.LearningRateAt(5), sgd.LearningRate);
        schedule.Step();
        Assert.Equal(6, schedule.Epoch);
        Assert.Equal(schedule.LearningRateAt(6), sgd.LearningRate);
        Assert.Equal(0.2, schedule.BaseLearningRate);
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(SgdWithRate(0.1), stepSize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(SgdWithRate(0.1), stepSize: 2, gamma: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(SgdWithRate(0.1), tMax: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(SgdWithRate(0.1), tMax: 5).Epoch = -1);
    }

    // CosineAnnealingLR.get_lr for last_epoch > 0 reached by step(): lr is the group's current rate.
    private static double CosineGetLr(double lr, double baseLr, double etaMin, int tMax, int lastEpoch)
    {
        if ((lastEpoch - 1 - tMax) % (2 * tMax) == 0)
        {
            return lr + (baseLr - etaMin) * (1 - Math.Cos(Math.PI / tMax)) / 2;
        }

        return (1 + Math.Cos(Math.PI * lastEpoch / tMax)) / (1 + Math.Cos(Math.PI * (lastEpoch - 1) / tMax)) * (lr - etaMin) + etaMin;
    }
}
