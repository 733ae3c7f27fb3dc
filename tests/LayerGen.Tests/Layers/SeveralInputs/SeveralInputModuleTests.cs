using System;
using System.IO;
using System.Linq;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.SeveralInputs;

/// <summary>
/// A layer of several inputs is an <see cref="IModule"/>, not an <see cref="ILayer"/>: everything that walks a model —
/// parameter names, <c>StateDict</c>, safetensors, optimisers, <c>ZeroGrad</c>, train/eval — works on it and on a
/// layer holding one as a child.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class SeveralInputModuleTests
{
    [Fact]
    public void Parameters_and_state_dict_use_PyTorch_names_for_the_module_and_a_parent_holding_it()
    {
        var cell = new GruCell(5, 3);
        Assert.IsNotAssignableFrom<ILayer>(cell);
        Assert.Equal(["wXz", "wHz", "bZ", "wXr", "wHr", "bR", "wXh", "wHh", "bH"], cell.NamedParameters().Select(p => p.Key));

        var holder = new GruHolder(5, 3);
        Assert.Equal(["cell", "head"], holder.NamedChildren().Select(c => c.Key));
        Assert.Equal(
            ["cell.wXz", "cell.wHz", "cell.bZ", "cell.wXr", "cell.wHr", "cell.bR", "cell.wXh", "cell.wHh", "cell.bH", "head.weight", "head.bias"],
            holder.StateDict().Keys);
        Assert.Equal("GruHolder(\n  (cell): GruCell()\n  (head): Linear()\n)", holder.ToModuleString());
    }

    [Fact]
    public void Safetensors_save_and_load_round_trip_a_parent_holding_the_module()
    {
        var saved = new GruHolder(5, 3);
        var loaded = new GruHolder(5, 3);
        string path = Path.Combine(Path.GetTempPath(), $"layergen-several-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Save(saved, path);
            Assert.NotEqual(saved.Cell().WXz.ToArray(), loaded.Cell().WXz.ToArray());
            SafeTensors.Load(loaded, path);
            foreach (var (name, tensor) in saved.StateDict())
            {
                Assert.Equal(tensor.ToArray(), loaded.StateDict()[name].ToArray());
            }

            // And the module alone, through its state dict.
            var copy = new GruCell(5, 3);
            copy.LoadStateDict(saved.Cell().StateDict());
            var x = Tensor.Randn(2, 5);
            var h = Tensor.Randn(2, 3);
            Assert.Equal(saved.Cell().Call(x, h).ToArray(), copy.Call(x, h).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_training_loop_without_a_trainer_fits_the_module_and_ZeroGrad_resets_its_gradients()
    {
        Tensor.ManualSeed(3);
        var cell = new GruCell(4, 3);
        var x = Tensor.Randn(16, 4);
        var h = Tensor.Randn(16, 3);
        var target = Ops.Tanh(Tensor.Randn(16, 3));
        var optimizer = new Sgd(cell.Parameters(), 0.1);
        float first = 0, last = 0;
        for (int step = 0; step < 200; step++)
        {
            optimizer.ZeroGrad();
            var loss = new MseLoss().Call(cell.Call(x, h), target);
            loss.Backward();
            optimizer.Step();
            last = loss.Item();
            if (step == 0)
            {
                first = last;
            }
        }

        Assert.True(last < 0.7f * first, $"the loss went from {first} to {last}");

        cell.ZeroGrad();
        Assert.All(cell.Parameters(), p => Assert.All(p.Grad!.ToArray(), v => Assert.Equal(0f, v)));
    }

    [Fact]
    public void Train_and_eval_reach_the_module_through_its_parent()
    {
        var holder = new GruHolder(5, 3);
        holder.Eval();
        Assert.False(holder.Cell().Training);
        holder.Train();
        Assert.True(holder.Cell().Training);
    }
}
