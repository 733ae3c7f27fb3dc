using System;
using LayerGen;

namespace Attention;

// D2L's attention chapter (11.3, 11.5, 11.7), written as the book writes it in PyTorch. Where LayerGen differs:
// the sizes a kernel is specialised for are constructor parameters and the inputs' shapes are declared with them
// (D2L's layers read them from the tensors), LazyLinear is Linear with its input size given, and valid_lens is a float
// tensor of one length per example (D2L's 1-D valid_lens; it holds whole numbers and is only compared, as D2L's
// masked_softmax compares it with a float arange). The positional encoding keeps its table in a plain tensor field, as
// D2L keeps self.P.

/// <summary>
/// Scaled dot-product attention (D2L 11.3.2): queries <c>[*, queries, d]</c>, keys <c>[*, keyValues, d]</c> and values
/// <c>[*, keyValues, v]</c>, with different query and key lengths, and <c>validLens</c> <c>[*]</c>: the keys each example
/// attends to (D2L's masked softmax, 11.3.1). <c>torch.bmm</c> is <c>MatMul</c>.
/// </summary>
[Layer(Input = "[*, queries, d]; [*, keyValues, d]; [*, keyValues, v]; [*]")]
public partial class DotProductAttention(int queries, int keyValues, int d, int v, float dropout)
{
    /// <summary>0, 1, ..., keyValues − 1: the key positions the masked softmax compares with the valid lengths.</summary>
    readonly Tensor positions = Tensor.Arange(keyValues);

    Tensor Forward(Tensor q, Tensor keys, Tensor values, Tensor validLens)
    {
        // Swap the last two dimensions of keys (D2L's keys.transpose(1, 2) on [batch, steps, d]; counted from the end,
        // it also swaps the right ones when MultiHeadAttention calls this with the heads as an axis of their own)
        var scores = q.MatMul(keys.mT) / MathF.Sqrt(d);
        var attentionWeights = MaskedSoftmax(scores, validLens);
        return Ops.Dropout(attentionWeights, dropout).MatMul(values);
    }

    /// <summary>
    /// D2L's masked_softmax: the scores of keys at or beyond each example's valid length become −1e6 before the softmax
    /// along the last axis, so they get (almost exactly) zero weight. <c>torch.arange(maxlen)[None, :] &lt; valid_len[:, None]</c>
    /// is <c>positions &lt; validLens.Unsqueeze(-1).Unsqueeze(-1)</c>: [keyValues] against [*, 1, 1].
    /// </summary>
    private Tensor MaskedSoftmax(Tensor scores, Tensor validLens)
    {
        var mask = positions < validLens.Unsqueeze(-1).Unsqueeze(-1);
        return Ops.Softmax(Ops.Where(mask, scores, -1e6f), -1);
    }
}

/// <summary>
/// Multi-head attention (D2L 11.5): W_q, W_k, W_v project to <c>numHiddens</c>, the heads are split off the last axis
/// (<c>TransposeQkv</c>), attended in parallel by one <see cref="DotProductAttention"/> and joined again
/// (<c>TransposeOutput</c>) before W_o. The heads stay an axis of their own (<c>[*, heads, steps, d / heads]</c>)
/// rather than being folded into the batch as D2L does: the batched products treat them the same.
/// </summary>
[Layer(Input = "[*, queries, numHiddens]; [*, keyValues, numHiddens]; [*, keyValues, numHiddens]; [*]")]
public partial class MultiHeadAttention(int numHiddens, int numHeads, int queries, int keyValues, float dropout)
{
    private readonly DotProductAttention attention = new(queries, keyValues, numHiddens / numHeads, numHiddens / numHeads, dropout);
    private readonly Linear W_q = new(numHiddens, numHiddens);
    private readonly Linear W_k = new(numHiddens, numHiddens);
    private readonly Linear W_v = new(numHiddens, numHiddens);
    private readonly Linear W_o = new(numHiddens, numHiddens);

    Tensor Forward(Tensor q, Tensor keys, Tensor values, Tensor validLens)
    {
        // The same valid length for every head (D2L's repeat_interleave over the heads): [*] -> [*, numHeads]
        var headValidLens = validLens.Unsqueeze(-1).Expand(q.Size(0), numHeads);

        // Shape of output: [*, numHeads, queries, numHiddens / numHeads] (typed: the generated Call is not seen while generating)
        Tensor output = attention.Call(TransposeQueries(W_q.Call(q)), TransposeKeyValues(W_k.Call(keys)), TransposeKeyValues(W_v.Call(values)), headValidLens);
        return W_o.Call(TransposeOutput(output));
    }

    /// <summary>
    /// D2L's transpose_qkv, for the parallel computation of the heads: [*, queries, numHiddens] → [*, numHeads, queries,
    /// numHiddens / numHeads]. One helper per step count: a helper's int argument must be a constant or a loop variable
    /// in LayerGen (a size there would fix the layer to one value of it per compilation).
    /// </summary>
    private Tensor TransposeQueries(Tensor x) => x.Reshape(-1, queries, numHeads, numHiddens / numHeads).Permute(0, 2, 1, 3);

    /// <summary>transpose_qkv for keys and values: [*, keyValues, numHiddens] → [*, numHeads, keyValues, numHiddens / numHeads].</summary>
    private Tensor TransposeKeyValues(Tensor x) => x.Reshape(-1, keyValues, numHeads, numHiddens / numHeads).Permute(0, 2, 1, 3);

    /// <summary>D2L's transpose_output, reversing <see cref="TransposeQueries"/>: [*, numHeads, queries, numHiddens / numHeads] → [*, queries, numHiddens].</summary>
    private Tensor TransposeOutput(Tensor x) => x.Permute(0, 2, 1, 3).Reshape(-1, queries, numHiddens);
}

/// <summary>The position-wise feed-forward network (D2L 11.7.2): the same MLP at every position.</summary>
[Layer]
public partial class PositionWiseFFN(int numInputs, int ffnNumHiddens, int ffnNumOutputs)
{
    private readonly Linear dense1 = new(numInputs, ffnNumHiddens);
    private readonly Linear dense2 = new(ffnNumHiddens, ffnNumOutputs);

    Tensor Forward(Tensor x) => dense2.Call(Ops.Relu(dense1.Call(x)));
}

/// <summary>
/// The residual connection followed by layer normalisation (D2L 11.7.2): <c>ln(dropout(y) + x)</c>, with the layer norm
/// written out from LayerGen's ops (D2L uses nn.LayerNorm: the same mean, biased variance and eps 1e-5).
/// </summary>
[Layer(Input = "[*, normalizedShape]; [*, normalizedShape]")]
public partial class AddNorm(int normalizedShape, float dropout)
{
    [Parameter] Tensor gamma = Tensor.Ones(normalizedShape);
    [Parameter] Tensor beta = Tensor.Zeros(normalizedShape);

    Tensor Forward(Tensor x, Tensor y)
    {
        var sum = Ops.Dropout(y, dropout) + x;
        var mean = sum.Mean(-1, keepDim: true);
        var centered = sum - mean;
        var variance = (centered * centered).Mean(-1, keepDim: true);
        return gamma * centered / Ops.Sqrt(variance + 1e-5f) + beta;
    }
}

/// <summary>The Transformer encoder block (D2L 11.7.4): self-attention and the FFN, each with AddNorm.</summary>
[Layer(Input = "[*, steps, numHiddens]; [*]")]
public partial class TransformerEncoderBlock(int numHiddens, int ffnNumHiddens, int numHeads, int steps, float dropout)
{
    private readonly MultiHeadAttention attention = new(numHiddens, numHeads, steps, steps, dropout);
    private readonly AddNorm addnorm1 = new(numHiddens, dropout);
    private readonly PositionWiseFFN ffn = new(numHiddens, ffnNumHiddens, numHiddens);
    private readonly AddNorm addnorm2 = new(numHiddens, dropout);

    Tensor Forward(Tensor x, Tensor validLens)
    {
        var y = addnorm1.Call(x, attention.Call(x, x, x, validLens));
        return addnorm2.Call(y, ffn.Call(y));
    }
}

/// <summary>
/// Sinusoidal positional encoding (D2L 11.6.3): the sin/cos table <c>P</c> is computed once, when the layer is
/// constructed, and kept as a plain tensor field — what D2L writes as <c>self.P = ...</c>: state the forward reads,
/// never trained, not in the state dict (<c>[Buffer]</c> would put it there, as <c>register_buffer</c>). The forward
/// adds its first <c>numSteps</c> positions, then dropout. D2L's default <c>max_len=1000</c> is an argument here.
/// </summary>
[Layer(Input = "[*, numSteps, numHiddens]")]
public partial class PositionalEncoding(int numSteps, int numHiddens, float dropout, int maxLen)
{
    readonly Tensor P = MakeTable(maxLen, numHiddens);

    Tensor Forward(Tensor x) => Ops.Dropout(x + P.Narrow(1, 0, numSteps), dropout);

    /// <summary>P[0, i, 2j] = sin(i / 10000^(2j/d)), P[0, i, 2j+1] = cos(i / 10000^(2j/d)).</summary>
    private static Tensor MakeTable(int maxLen, int numHiddens)
    {
        var p = Tensor.Zeros(1, maxLen, numHiddens);
        for (int position = 0; position < maxLen; position++)
        {
            for (int i = 0; i < numHiddens; i += 2)
            {
                double angle = position / Math.Pow(10000, (double)i / numHiddens);
                p[0, position, i] = (float)Math.Sin(angle);
                if (i + 1 < numHiddens)
                {
                    p[0, position, i + 1] = (float)Math.Cos(angle);
                }
            }
        }

        return p;
    }
}
