using System;

namespace LayerGen;

/// <summary>
/// The base of the learning-rate schedules (PyTorch's <c>torch.optim.lr_scheduler</c>): call
/// <see cref="Step"/> once per epoch, after that epoch's optimiser steps, and it sets the optimiser's
/// <see cref="Optimizer.LearningRate"/> for the next epoch.
/// </summary>
/// <remarks>
/// The rate is a closed form of the epoch number (PyTorch's <c>_get_closed_form_lr</c>), computed in
/// double from <see cref="BaseLearningRate"/>, the optimiser's rate when the schedule was created
/// (PyTorch's <c>initial_lr</c>). So a schedule overwrites any change made to the optimiser's rate by
/// hand between its steps; and setting <see cref="Epoch"/> resumes a schedule exactly.
/// </remarks>
public abstract class LearningRateSchedule
{
    private int _epoch;

    /// <summary>Attaches the schedule to <paramref name="optimizer"/>, taking its current rate as the base rate.</summary>
    protected LearningRateSchedule(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        BaseLearningRate = optimizer.LearningRate;
    }

    /// <summary>The optimiser whose learning rate this schedule sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The rate at epoch 0: the optimiser's rate when the schedule was created.</summary>
    public double BaseLearningRate { get; }

    /// <summary>
    /// The current epoch (PyTorch's <c>last_epoch</c>): 0 at creation, one more after each <see cref="Step"/>.
    /// Setting it also sets the optimiser's rate to <see cref="LearningRateAt"/> that epoch.
    /// </summary>
    public int Epoch
    {
        get => _epoch;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _epoch = value;
            Optimizer.LearningRate = LearningRateAt(value);
        }
    }

    /// <summary>Moves to the next epoch and sets the optimiser's rate for it.</summary>
    public void Step() => Epoch = _epoch + 1;

    /// <summary>The learning rate this schedule gives at <paramref name="epoch"/> (0 = the base rate).</summary>
    public abstract double LearningRateAt(int epoch);
}
