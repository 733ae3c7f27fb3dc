using System;
using System.IO;
using System.Linq;
using LayerGen;

namespace Attention;

/// <summary>
/// Runs each of the chapter's layers on random inputs with D2L's shapes: prints the output's shape, the kernel that
/// ran, and the largest difference between the generated backward and central finite differences of the generated
/// forward (relative to 1 + |backward|), over every input and parameter. The tests run it too (AttentionSampleTests).
/// </summary>
public static class AttentionDemo
{
    /// <summary>
    /// A relative difference above this is a wrong gradient: the forward is float32, so with steps of 1e-3 and 2.5e-4 rounding
    /// gives a few 1e-3 at most, while a wrong rule is off by about the gradient itself.
    /// </summary>
    public const double Tolerance = 2e-2;

    /// <summary>Writes the report to <paramref name="output"/>; true when every gradient check is within <see cref="Tolerance"/>.</summary>
    public static bool Run(TextWriter output)
    {
        Tensor.ManualSeed(0);
        bool ok = true;

        // D2L 11.3: a batch of 2, 1 query against 10 key-value pairs of 2 dimensions; values of 4; the first example
        // attends to its first 2 keys, the second to its first 6 (valid_lens = torch.tensor([2, 6])).
        var dotProduct = new DotProductAttention(1, 10, 2, 4, dropout: 0.5f);
        dotProduct.Train(false);
        var queries = Tensor.Randn(2, 1, 2);
        var keys = Tensor.Ones(2, 10, 2);
        var values = Tensor.Randn(2, 10, 4);
        var validLens = Tensor.From(2f, 6f);
        ok &= Show(output, "DotProductAttention(queries 1, key-values 10, d 2, v 4)", dotProduct, i => dotProduct.Call(i[0], i[1], i[2], i[3]), [queries, keys, values, validLens], checkEvery: 1, lengths: 1);
        output.WriteLine($"with equal keys, each example's output is the mean of its first valid_lens values: {Matches(dotProduct.Call(queries, keys, values, validLens), values, validLens)}");

        // D2L 11.5: 100 hiddens over 5 heads, 4 queries attending to 6 key-value pairs.
        var multiHead = new MultiHeadAttention(100, 5, 4, 6, 0.5f);
        multiHead.Train(false);
        var x = Tensor.Randn(2, 4, 100);
        var y = Tensor.Randn(2, 6, 100);
        ok &= Show(output, "MultiHeadAttention(numHiddens 100, heads 5, queries 4, key-values 6)", multiHead, i => multiHead.Call(i[0], i[1], i[2], i[3]), [x, y, y, Tensor.From(3f, 2f)], checkEvery: 1, lengths: 1);

        // D2L 11.6.3: positional encoding of 60 steps with 32 hiddens keeps the shape; position 1, dimension 0 is sin(1).
        var encoding = new PositionalEncoding(60, 32, 0f, 1000);
        encoding.Train(false);
        ok &= Show(output, "PositionalEncoding(steps 60, numHiddens 32, maxLen 1000)", encoding, i => encoding.Call(i[0]), [Tensor.Zeros(1, 60, 32)], checkEvery: 37);
        output.WriteLine($"encoding of zeros at position 1, dimensions 0..3: {string.Join(", ", encoding.Call(Tensor.Zeros(1, 60, 32)).Data.Skip(32).Take(4).Select(v => v.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)))}");

        // D2L 11.7.2: the FFN changes the innermost dimension only; AddNorm keeps the shape.
        var ffn = new PositionWiseFFN(4, 4, 8);
        ok &= Show(output, "PositionWiseFFN(4, 4, 8)", ffn, i => ffn.Call(i[0]), Tensor.Ones(2, 3, 4));
        var addNorm = new AddNorm(4, 0.5f);
        addNorm.Train(false);
        ok &= Show(output, "AddNorm(4)", addNorm, i => addNorm.Call(i[0], i[1]), Tensor.Randn(2, 3, 4), Tensor.Randn(2, 3, 4));

        // D2L 11.7.4: an encoder block keeps [batch, steps, numHiddens].
        var block = new TransformerEncoderBlock(24, 48, 8, 100, 0.5f);
        block.Train(false);
        var encoded = block.Call(Tensor.Ones(2, 100, 24), Tensor.From(3f, 2f));
        output.WriteLine();
        output.WriteLine("# TransformerEncoderBlock(numHiddens 24, ffn 48, heads 8, steps 100)");
        output.WriteLine($"input shapes: [2, 100, 24] -> output shape: {Shape(encoded)}");
        output.WriteLine($"kernel: {block.KernelName}");

        // Its gradient check on 5 steps: every weight of the FFN reaches every position, and over 200 positions some
        // ReLU input lies within any finite-difference step of its kink, which spoils the difference, not the gradient.
        var small = new TransformerEncoderBlock(24, 48, 8, 5, 0.5f);
        small.Train(false);
        ok &= Show(output, "TransformerEncoderBlock(numHiddens 24, ffn 48, heads 8, steps 5)", small, i => small.Call(i[0], i[1]), [Tensor.Randn(2, 5, 24), Tensor.From(3f, 2f)], checkEvery: 7, lengths: 1);

        output.WriteLine(ok ? "every gradient check passed" : "a gradient check FAILED");
        return ok;
    }

    private static bool Show(TextWriter output, string title, IModule layer, Func<Tensor[], Tensor> call, params Tensor[] inputs) =>
        Show(output, title, layer, call, inputs, checkEvery: 1);

    /// <summary>
    /// One layer: its output's shape and kernel, then the gradient check over every input and parameter (every
    /// <paramref name="checkEvery"/>-th element of each, to keep a large block quick). The last <paramref name="lengths"/>
    /// inputs are valid lengths: only compared, so, as D2L's integer valid_lens, they get no gradient and are not checked
    /// (a finite difference there would move a length across a key position).
    /// </summary>
    private static bool Show(TextWriter output, string title, IModule layer, Func<Tensor[], Tensor> call, Tensor[] inputs, int checkEvery, int lengths = 0)
    {
        output.WriteLine();
        output.WriteLine($"# {title}");
        var differentiable = inputs.Take(inputs.Length - lengths).Distinct().ToArray();
        foreach (var input in differentiable)
        {
            input.RequiresGrad = true;
        }

        var result = call(inputs);
        output.WriteLine($"input shapes: {string.Join(", ", inputs.Select(i => Shape(i)))} -> output shape: {Shape(result)}");
        output.WriteLine($"kernel: {layer.KernelName}");

        var dy = Tensor.Randn(result.Shape.ToArray());
        layer.ZeroGrad();
        result.Backward(dy);
        var targets = differentiable.Select((t, i) => ($"input {i}", t)).Concat(layer.NamedParameters().Select(p => (p.Key, p.Value)));
        double largest = 0;
        string worst = string.Empty;
        foreach (var (name, tensor) in targets)
        {
            double difference = LargestDifference(call, inputs, dy, tensor, checkEvery);
            if (difference >= largest)
            {
                (largest, worst) = (difference, name);
            }
        }

        bool ok = largest <= Tolerance;
        output.WriteLine($"gradient check: largest |backward - finite difference| / (1 + |backward|) = {largest:0.0e+0} (d/d{worst}){(ok ? string.Empty : " FAILED")}");
        return ok;
    }

    /// <summary>Whether each example's output is the mean of its first valid-length values (what equal keys give).</summary>
    private static bool Matches(Tensor output, Tensor values, Tensor validLens)
    {
        int keys = values.Size(1), width = values.Size(2);
        for (int b = 0; b < values.Size(0); b++)
        {
            int valid = (int)validLens.Data[b];
            for (int j = 0; j < width; j++)
            {
                double mean = 0;
                for (int k = 0; k < valid; k++)
                {
                    mean += values.Data[(((b * keys) + k) * width) + j] / valid;
                }

                if (Math.Abs(output.Data[(b * width) + j] - mean) > 1e-5)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.Shape.ToArray()) + "]";

    /// <remarks>
    /// The FFN's ReLU has a kink: where one of the many positions a weight reaches crosses it between v − h and v + h, the
    /// central difference is off by about that position's gradient. Each element is therefore differenced with two steps
    /// and the closer one counts: a kink spoils both only when it lies within the smaller step.
    /// </remarks>
    private static double LargestDifference(Func<Tensor[], Tensor> call, Tensor[] inputs, Tensor dy, Tensor target, int checkEvery)
    {
        var analytic = target.Grad!.ToArray();
        double largest = 0;
        for (int i = 0; i < target.Count; i += checkEvery)
        {
            double closest = double.MaxValue;
            foreach (float step in new[] { 1e-3f, 2.5e-4f })
            {
                float original = target.Data[i];
                target.Data[i] = original + step;
                double plus = Loss(call, inputs, dy);
                target.Data[i] = original - step;
                double minus = Loss(call, inputs, dy);
                target.Data[i] = original;
                closest = Math.Min(closest, Math.Abs(((plus - minus) / (2 * step)) - analytic[i]) / (1 + Math.Abs(analytic[i])));
            }

            largest = Math.Max(largest, closest);
        }

        return largest;
    }

    private static double Loss(Func<Tensor[], Tensor> call, Tensor[] inputs, Tensor dy)
    {
        using (GradMode.NoGrad())
        {
            var y = call(inputs);
            double sum = 0;
            for (int i = 0; i < y.Count; i++)
            {
                sum += (double)y.Data[i] * dy.Data[i];
            }

            return sum;
        }
    }
}
