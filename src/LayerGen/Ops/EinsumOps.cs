using System;
using System.Collections.Generic;
using System.Linq;

namespace LayerGen;

/// <summary>
/// The eager reference for <c>Einsum</c>: the explicit form <c>"ijk,bi,bj-&gt;bk"</c>, one lowercase letter
/// per dimension, 1 to 4 operands (the same tensor may be passed more than once).
/// </summary>
/// <remarks>
/// <para>Semantics, as torch.einsum: every letter is a loop index over its dimension; the output at an
/// index of its letters is the sum, over every value of the letters it does not mention, of the product
/// of the operands at their letters. A letter repeated inside one operand (<c>"ii-&gt;i"</c>) reads its
/// diagonal. No broadcasting: a letter must have the same size in every operand that uses it.</para>
/// <para>The reference is the definition itself: one odometer over every letter, with each operand's
/// offset advanced by its stride for that letter, products and sums in double, rounded once.</para>
/// <para>Backward is einsum again. For output letters O and operand p with letters P, the gradient of p
/// is the einsum of dY (letters O) with every other operand, written to letters P: a letter summed in
/// the forward is a free letter there, and a letter only p used sums nothing and just broadcasts dY.
/// The same <see cref="Contract"/> loop runs it (it allows output letters that no input has, and
/// repeated output letters, which write a diagonal). An operand passed twice gets both contributions
/// because the engine hands both positions the same gradient buffer.</para>
/// </remarks>
internal static class EinsumOps
{
    private const int MaxOperands = 4;

    public static Tensor Einsum(string equation, Tensor[] operands)
    {
        ArgumentNullException.ThrowIfNull(equation);
        ArgumentNullException.ThrowIfNull(operands);
        for (int p = 0; p < operands.Length; p++)
        {
            ArgumentNullException.ThrowIfNull(operands[p], $"{nameof(operands)}[{p}]");
        }

        (string[] inputs, string output) = Parse(equation, operands.Length);
        Dictionary<char, int> sizes = LetterSizes(equation, inputs, operands);
        int[] outShape = output.Select(c => sizes[c]).ToArray();

        double[] y = Contract(sizes, inputs, Array.ConvertAll(operands, t => t.Data), output);
        Tensor result = Tensor.Wrap(Array.ConvertAll(y, v => (float)v), outShape);
        if (GradMode.IsEnabled && operands.Any(t => t.RequiresGrad))
        {
            result.SetGradFn(new EinsumBackward(operands, inputs, output, sizes));
        }

        return result;
    }

    /// <summary>Splits and checks the equation's syntax and letter use (not the shapes).</summary>
    internal static (string[] Inputs, string Output) Parse(string equation, int operandCount)
    {
        if (operandCount < 1 || operandCount > MaxOperands)
        {
            throw new ArgumentException(
                $"Einsum takes 1 to {MaxOperands} operands, but got {operandCount}.", "operands");
        }

        int arrow = equation.IndexOf("->", StringComparison.Ordinal);
        if (arrow < 0 || equation.IndexOf("->", arrow + 2, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException(
                $"Einsum equation \"{equation}\" must have exactly one \"->\" followed by the output's letters (the explicit form, e.g. \"ij,jk->ik\").",
                nameof(equation));
        }

        string left = equation[..arrow].Replace(" ", "", StringComparison.Ordinal);
        string output = equation[(arrow + 2)..].Replace(" ", "", StringComparison.Ordinal);
        string[] inputs = left.Split(',');
        if (inputs.Length != operandCount)
        {
            throw new ArgumentException(
                $"Einsum equation \"{equation}\" names {inputs.Length} operand(s) before \"->\", but {operandCount} tensor(s) were passed.",
                nameof(equation));
        }

        foreach (string term in inputs.Append(output))
        {
            foreach (char c in term)
            {
                if (c is < 'a' or > 'z')
                {
                    throw new ArgumentException(
                        $"Einsum equation \"{equation}\": '{c}' is not allowed; subscripts are lowercase letters a-z (no ellipsis).",
                        nameof(equation));
                }
            }
        }

        for (int i = 0; i < output.Length; i++)
        {
            char c = output[i];
            if (output.IndexOf(c, i + 1) >= 0)
            {
                throw new ArgumentException(
                    $"Einsum equation \"{equation}\": output letter '{c}' appears more than once.", nameof(equation));
            }

            if (!inputs.Any(term => term.Contains(c)))
            {
                throw new ArgumentException(
                    $"Einsum equation \"{equation}\": output letter '{c}' does not appear in any operand.", nameof(equation));
            }
        }

        return (inputs, output);
    }

    /// <summary>The size of every letter, checking each operand's rank and that a letter's sizes agree.</summary>
    private static Dictionary<char, int> LetterSizes(string equation, string[] inputs, Tensor[] operands)
    {
        var sizes = new Dictionary<char, int>();
        var firstSeen = new Dictionary<char, int>(); // letter -> operand that fixed its size
        for (int p = 0; p < inputs.Length; p++)
        {
            string term = inputs[p];
            ReadOnlySpan<int> shape = operands[p].Shape;
            if (term.Length != shape.Length)
            {
                throw new ArgumentException(
                    $"Einsum equation \"{equation}\": operand {p} (\"{term}\") expects rank {term.Length}, but the tensor has shape {Tensor.FormatShape(shape)} (rank {shape.Length}).",
                    "operands");
            }

            for (int k = 0; k < term.Length; k++)
            {
                char c = term[k];
                if (!sizes.TryGetValue(c, out int size))
                {
                    sizes[c] = shape[k];
                    firstSeen[c] = p;
                }
                else if (size != shape[k])
                {
                    int q = firstSeen[c];
                    string where = q == p ? $"earlier in operand {p} (\"{term}\")" : $"in operand {q} (\"{inputs[q]}\")";
                    throw new ArgumentException(
                        $"Einsum equation \"{equation}\": letter '{c}' has size {size} {where}, but size {shape[k]} in operand {p} (\"{term}\", shape {Tensor.FormatShape(shape)}).",
                        "operands");
                }
            }
        }

        return sizes;
    }

    /// <summary>
    /// out[output letters] = sum over all other letters of prod_p data_p[letters of p], in double.
    /// Output letters may repeat (the diagonal is written) or be absent from every input (broadcast).
    /// </summary>
    private static double[] Contract(Dictionary<char, int> sizes, string[] terms, float[][] data, string output)
    {
        char[] letters = [.. output.Distinct(), .. terms.SelectMany(t => t).Distinct().Where(c => !output.Contains(c))];
        int[] extent = Array.ConvertAll(letters, c => sizes[c]);

        // strides[p][l]: how far operand p's flat offset moves when letter l advances by one; the
        // strides of a repeated letter add up, which is what walks a diagonal.
        int[][] strides = [.. terms.Select(t => StridesOf(t, letters, sizes)), StridesOf(output, letters, sizes)];
        int outIndex = terms.Length;

        var result = new double[Tensor.CountOf(output.Select(c => sizes[c]).ToArray())];
        if (extent.Contains(0))
        {
            return result; // nothing to iterate: an empty output, or sums over an empty range (0)
        }

        var index = new int[letters.Length];
        var offset = new int[strides.Length];
        while (true)
        {
            double product = 1;
            for (int p = 0; p < terms.Length; p++)
            {
                product *= data[p][offset[p]];
            }

            result[offset[outIndex]] += product;

            // Advance the odometer (last letter fastest), moving every offset along.
            int l = letters.Length - 1;
            for (; l >= 0; l--)
            {
                index[l]++;
                for (int p = 0; p < strides.Length; p++)
                {
                    offset[p] += strides[p][l];
                }

                if (index[l] < extent[l])
                {
                    break;
                }

                for (int p = 0; p < strides.Length; p++)
                {
                    offset[p] -= strides[p][l] * extent[l];
                }

                index[l] = 0;
            }

            if (l < 0)
            {
                return result;
            }
        }
    }

    private static int[] StridesOf(string term, char[] letters, Dictionary<char, int> sizes)
    {
        var strides = new int[letters.Length];
        int stride = 1;
        for (int k = term.Length - 1; k >= 0; k--)
        {
            strides[Array.IndexOf(letters, term[k])] += stride;
            stride *= sizes[term[k]];
        }

        return strides;
    }

    /// <summary>d operand p = einsum(dY with the other operands, into operand p's letters).</summary>
    private sealed class EinsumBackward(Tensor[] operands, string[] terms, string output, Dictionary<char, int> sizes)
        : GradFn("EinsumBackward0", operands) // the operands are read back through Inputs
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            float[] dy = outputGrad.ToArray();
            for (int p = 0; p < terms.Length; p++)
            {
                if (inputGrads[p] is not { } grad)
                {
                    continue;
                }

                var otherTerms = new List<string> { output };
                var otherData = new List<float[]> { dy };
                for (int q = 0; q < terms.Length; q++)
                {
                    if (q != p)
                    {
                        otherTerms.Add(terms[q]);
                        otherData.Add(Inputs[q].Data);
                    }
                }

                double[] g = Contract(sizes, [.. otherTerms], [.. otherData], terms[p]);
                for (int i = 0; i < grad.Length; i++)
                {
                    grad[i] += (float)g[i];
                }
            }
        }
    }
}
