using System;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>Ops.Einsum: results against the ops they spell, and its validation of the equation and shapes.</summary>
public sealed class EinsumTests
{
    [Fact]
    public void Spells_matmul_transpose_diagonal_and_sum()
    {
        Tensor a = EagerGradCheck.Uniform(new Random(1), [3, 4]);
        Tensor b = EagerGradCheck.Uniform(new Random(2), [4, 2]);
        AssertClose(a.MatMul(b), Ops.Einsum("ij,jk->ik", a, b));
        AssertClose(a.T, Ops.Einsum("ij->ji", a));
        AssertClose(a.Sum(0), Ops.Einsum("ij->j", a));
        AssertClose(a.Sum(), Ops.Einsum("ij->", a));
        Assert.Equal(0, Ops.Einsum("ij->", a).Rank);

        Tensor square = Tensor.From([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, 3);
        Assert.Equal([1f, 5f, 9f], Ops.Einsum("ii->i", square).Data);
        Assert.Equal(15f, Ops.Einsum("ii->", square).Item());
    }

    [Fact]
    public void Bilinear_form_matches_explicit_loops()
    {
        var random = new Random(3);
        Tensor w = EagerGradCheck.Uniform(random, [4, 4, 3]);
        Tensor x = EagerGradCheck.Uniform(random, [2, 4]);
        Tensor y = Ops.Einsum("ijk,bi,bj->bk", w, x, x);
        Assert.Equal([2, 3], y.Shape.ToArray());
        for (int b = 0; b < 2; b++)
        {
            for (int k = 0; k < 3; k++)
            {
                double sum = 0;
                for (int i = 0; i < 4; i++)
                {
                    for (int j = 0; j < 4; j++)
                    {
                        sum += (double)w[i, j, k] * x[b, i] * x[b, j];
                    }
                }

                Assert.Equal((float)sum, y[b, k], 1e-5f);
            }
        }
    }

    [Fact]
    public void Spaces_are_ignored_and_zero_sized_letters_give_zeros()
    {
        Tensor a = Tensor.Ones(2, 0), b = Tensor.Ones(0, 3);
        Tensor y = Ops.Einsum(" ij , jk -> ik ", a, b);
        Assert.Equal([2, 3], y.Shape.ToArray());
        Assert.All(y.Data, v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData("ij,jk", "exactly one \"->\"")]
    [InlineData("ij->i->i", "exactly one \"->\"")]
    [InlineData("ij,jk,k->ik", "names 3 operand(s) before \"->\", but 2 tensor(s) were passed")]
    [InlineData("iJ,jk->ik", "'J' is not allowed")]
    [InlineData("...j,jk->...k", "'.' is not allowed")]
    [InlineData("ij,jk->ii", "output letter 'i' appears more than once")]
    [InlineData("ij,jk->iz", "output letter 'z' does not appear in any operand")]
    [InlineData("ijk,jk->ik", "operand 0 (\"ijk\") expects rank 3, but the tensor has shape [2, 3] (rank 2)")]
    [InlineData("ij,ik->jk", "letter 'i' has size 2 in operand 0 (\"ij\"), but size 3 in operand 1 (\"ik\", shape [3, 4])")]
    [InlineData("ij,kk->i", "letter 'k' has size 3 earlier in operand 1 (\"kk\"), but size 4 in operand 1 (\"kk\", shape [3, 4])")]
    public void Malformed_equations_and_mismatched_shapes_say_what_was_expected(string equation, string message)
    {
        Tensor a = Tensor.Ones(2, 3), b = Tensor.Ones(3, 4);
        var error = Assert.ThrowsAny<ArgumentException>(() => Ops.Einsum(equation, a, b));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(equation, error.Message, StringComparison.Ordinal); // names the equation it refused
    }

    [Fact]
    public void Operand_count_is_one_to_four()
    {
        Tensor v = Tensor.Ones(2);
        Assert.Contains("1 to 4 operands, but got 0", Assert.Throws<ArgumentException>(() => Ops.Einsum("->")).Message);
        Assert.Contains("1 to 4 operands, but got 5",
            Assert.Throws<ArgumentException>(() => Ops.Einsum("i,i,i,i,i->i", v, v, v, v, v)).Message);
        Assert.Equal([1f, 1f], Ops.Einsum("i,i,i,i->i", v, v, v, v).Data);
    }

    [Fact]
    public void Operand_used_twice_gets_both_gradient_contributions()
    {
        // y = sum_i x_i x_i = |x|^2, so dy/dx = 2x.
        Tensor x = Tensor.From(1f, -2f, 3f);
        x.RequiresGrad = true;
        Tensor y = Ops.Einsum("i,i->", x, x);
        Assert.Equal(14f, y.Item());
        y.Backward();
        Assert.Equal([2f, -4f, 6f], x.Grad!.Data);
        Assert.Equal("EinsumBackward0", y.GradFn!.Name);
    }

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected.Data[i], actual.Data[i], 1e-5f);
        }
    }
}
