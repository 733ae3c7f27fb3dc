using System;
using System.Linq;
using LayerGen.Tests.Layers.DropoutLayers;
using LayerGen.Tests.Layers.OpLayers;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.DropoutLayers
{
    /// <summary>A probability whose scale 1/(1 − p) rounds differently in float and in double (then to float).</summary>
    [Layer(Input = "[*, n]")]
    public partial class DropoutP15(int n)
    {
        private Tensor Forward(Tensor x) => Ops.Dropout(x, 0.15f);
    }

    /// <summary>A layer with its own dropout after a child that drops too: both must follow Train/Eval.</summary>
    [Layer(Input = "[*, n]")]
    public partial class HoldsDropout(int n)
    {
        private readonly DropoutOp inner = new(n);

        public DropoutOp Inner => inner;

        private Tensor Forward(Tensor x) => Ops.Dropout(inner.Call(x), 0.25f) + x;
    }
}

namespace LayerGen.Tests.Layers
{
    /// <summary>
    /// Dropout through generated kernels: the same mask as the eager op under one seed, the kept
    /// fraction, eval mode as the identity, Train/Eval through Sequential and through a parent layer,
    /// and the gradient as the mask times the scale.
    /// </summary>
    [Collection(GlobalRandomCollection.Name)]
    public class DropoutLayerTests
    {
        private const int Seed = 2718;

        /// <summary>No literal construction of DropoutOp uses 37, so this one runs the run-time-bounded kernel.</summary>
        private static DropoutOp AnySize(int n) => new(n);

        [Fact]
        public void Generated_and_eager_paths_draw_the_same_mask_under_one_seed()
        {
            SameAsEager(new DropoutOp(16), "DropoutOp[n=16]");
            SameAsEager(AnySize(37), "DropoutOp[run-time sizes]");
        }

        [Fact]
        public void Generated_and_eager_paths_agree_bit_for_bit_when_the_scale_rounds_differently_in_float() =>
            SameAsEager(new DropoutP15(16), "DropoutP15[n=16]");

        [Fact]
        public void A_parent_and_its_child_draw_in_the_same_order_on_both_paths() =>
            SameAsEager(new HoldsDropout(16), "HoldsDropout[n=16]");

        /// <summary>
        /// 100 × 100 elements, each kept with probability 1 − p independently: the kept fraction has
        /// standard deviation sqrt(p(1 − p) / 10⁴) = 0.005 at p = 0.5, so ±0.025 is five standard
        /// deviations (a false failure about 6e-7 for an arbitrary seed). Every value is x·2 or 0.
        /// </summary>
        [Fact]
        public void About_one_minus_p_of_the_elements_are_kept_and_scaled()
        {
            var layer = new DropoutOp(100);
            var x = Tensor.Ones(100, 100);
            Tensor.ManualSeed(Seed);
            var y = layer.Call(x);
            Assert.All(y.Data, v => Assert.True(v is 0f or 2f, $"{v} is neither dropped (0) nor kept and scaled (2)"));
            double kept = y.Data.Count(v => v != 0f) / (double)y.Count;
            Assert.InRange(kept, 0.5 - 0.025, 0.5 + 0.025);

            // Two calls draw two masks.
            Assert.NotEqual(y.Data, layer.Call(x).Data);
        }

        [Fact]
        public void Eval_makes_it_the_identity_and_Train_turns_it_back_on()
        {
            var layer = new DropoutOp(16);
            var x = Tensor.Randn(4, 16);
            x.RequiresGrad = true;

            Assert.Same(layer, layer.Eval());
            Assert.False(layer.Training);
            var y = layer.Call(x);
            Assert.Equal(x.Data, y.Data);
            var dy = Tensor.Randn(4, 16);
            y.Backward(dy);
            Assert.Equal(dy.Data, x.Grad!.Data);

            layer.Train();
            Assert.True(layer.Training);
            Assert.Contains(0f, layer.Call(x).Data);
        }

        [Fact]
        public void Train_and_Eval_reach_layers_inside_Sequential()
        {
            var first = new DropoutOp(16);
            var second = new DropoutOp(16);
            var net = new Sequential(first, new Sequential(second));
            var x = Tensor.Randn(8, 16);

            net.Eval();
            Assert.False(first.Training);
            Assert.False(second.Training);
            Assert.Equal(x.Data, net.Call(x).Data);

            net.Train();
            Assert.True(first.Training);
            Assert.True(second.Training);
            Assert.Contains(0f, net.Call(x).Data);
        }

        [Fact]
        public void Train_and_Eval_reach_a_child_layer_and_the_parent_s_own_dropout()
        {
            var layer = new HoldsDropout(16);
            var x = Tensor.Randn(8, 16);

            layer.Eval();
            Assert.False(layer.Training);
            Assert.False(layer.Inner.Training);
            var y = layer.Call(x);
            for (int i = 0; i < x.Count; i++)
            {
                Assert.Equal(2 * x.Data[i], y.Data[i]); // dropout(x) + x with both dropouts off
            }

            layer.Train();
            Assert.True(layer.Inner.Training);
            Assert.NotEqual(layer.Call(x).Data, y.Data);
        }

        [Fact]
        public void The_eager_path_follows_the_layer_s_mode_too()
        {
            var layer = new DropoutOp(16).Eval();
            var x = Tensor.Randn(4, 16);
            Assert.Equal(x.Data, layer.CallEager(x).Data);

            var parent = new HoldsDropout(16).Eval();
            var y = parent.CallEager(x);
            Assert.Equal(x.Data.Select(v => 2 * v), y.Data);
            Assert.True(Ops.DropoutTraining); // the layer's mode applies only during its own call
        }

        [Fact]
        public void The_gradient_is_the_mask_times_the_scale()
        {
            var layer = new DropoutOp(16);
            var x = Tensor.Randn(4, 16);
            x.RequiresGrad = true;
            Tensor.ManualSeed(Seed);
            var y = layer.Call(x);
            y.Backward(Tensor.Ones(4, 16));

            // x is normal, so no element is 0: y = x·2 exactly where kept, 0 where dropped.
            for (int i = 0; i < x.Count; i++)
            {
                float multiplier = y.Data[i] == 0f ? 0f : 2f;
                Assert.Equal(x.Data[i] * multiplier, y.Data[i]);
                Assert.Equal(multiplier, x.Grad!.Data[i]);
            }
        }

        /// <summary>
        /// Central differences with the seed re-set before every forward call, so each call draws the
        /// same mask: the function is then x ↦ mask·x, whose difference quotient is the multiplier up to
        /// float rounding of the perturbed product (|x|·2·6e-8 / h ≈ 1e-4 with h = 1e-2).
        /// </summary>
        [Fact]
        public void The_gradient_matches_finite_differences_with_a_fixed_mask()
        {
            var layer = new DropoutP15(16);
            var x = Tensor.Randn(3, 16);
            x.RequiresGrad = true;
            var dy = Tensor.Randn(3, 16);
            Tensor.ManualSeed(Seed);
            layer.Call(x).Backward(dy);

            const float h = 1e-2f;
            for (int i = 0; i < x.Count; i++)
            {
                float original = x.Data[i];
                x.Data[i] = original + h;
                double plus = SeededLoss(layer, x, dy);
                x.Data[i] = original - h;
                double minus = SeededLoss(layer, x, dy);
                x.Data[i] = original;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(numeric - x.Grad!.Data[i]) <= 1e-3, $"dx[{i}]: finite differences {numeric:G6}, generated backward {x.Grad.Data[i]:G6}");
            }
        }

        private static double SeededLoss(ILayer layer, Tensor x, Tensor dy)
        {
            using (GradMode.NoGrad())
            {
                Tensor.ManualSeed(Seed);
                var y = layer.Call(x);
                return y.Data.Zip(dy.Data, (a, b) => (double)a * b).Sum();
            }
        }

        /// <summary>Under the same seed, generated Call and eager CallEager give the same output and the same gradient, bit for bit.</summary>
        private static void SameAsEager(ILayer layer, string expectedKernel)
        {
            Assert.Equal(expectedKernel, layer.KernelName);
            int n = layer.InputRowLength;
            var x = Tensor.Randn(5, n);
            var dy = Tensor.Randn(5, n);

            x.RequiresGrad = true;
            Tensor.ManualSeed(Seed);
            var generated = layer.Call(x);
            float afterGenerated = RandomSource.NextFloat();
            generated.Backward(dy);
            var generatedGrad = x.Grad!.ToArray();

            x.Grad = null;
            Tensor.ManualSeed(Seed);
            var eager = Eager(layer, x);
            float afterEager = RandomSource.NextFloat();
            eager.Backward(dy);

            Assert.Equal(afterEager, afterGenerated); // both drew the same number of floats
            Assert.Equal(eager.Data, generated.Data);
            Assert.Equal(x.Grad!.Data, generatedGrad);
        }

        private static Tensor Eager(ILayer layer, Tensor x) => layer switch
        {
            DropoutOp d => d.CallEager(x),
            DropoutP15 d => d.CallEager(x),
            HoldsDropout d => d.CallEager(x),
            _ => throw new ArgumentException(layer.LayerName),
        };
    }
}
