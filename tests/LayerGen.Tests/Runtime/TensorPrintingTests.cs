using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>
/// Tensor.ToString against PyTorch's default repr. Expected strings are what PyTorch 2.x prints for
/// the same values (torch/_tensor_str.py, precision 4, linewidth 80, threshold 1000, edgeitems 3).
/// </summary>
public sealed class TensorPrintingTests
{
    [Fact]
    public void Integer_valued_floats_print_with_a_trailing_dot_aligned_to_the_widest() =>
        Assert.Equal("tensor([-2., -1.,  0.,  1.,  2.])", Tensor.From(-2f, -1, 0, 1, 2).ToString());

    [Fact]
    public void Centered_layer_example_from_the_design()
    {
        Tensor x = Tensor.From(1f, 2, 3, 4, 5);
        Assert.Equal("tensor([-2., -1.,  0.,  1.,  2.])", (x - x.Mean()).ToString());
    }

    [Fact]
    public void Two_dimensional_rows_align_under_the_first_bracket()
    {
        var x = Tensor.From(new float[,] { { 0.1775f, -1.4539f, 0.3972f }, { -0.9235f, 0.4021f, 0.2200f } });
        Assert.Equal("tensor([[ 0.1775, -1.4539,  0.3972],\n        [-0.9235,  0.4021,  0.2200]])", x.ToString());
    }

    [Fact]
    public void Three_dimensional_blocks_are_separated_by_a_blank_line() =>
        Assert.Equal(
            "tensor([[[1., 1.],\n         [1., 1.]],\n\n        [[1., 1.],\n         [1., 1.]]])",
            Tensor.Ones(2, 2, 2).ToString());

    [Theory]
    [InlineData(3f, "tensor(3.)")]
    [InlineData(7.4506e-09f, "tensor(7.4506e-09)")]
    [InlineData(0.5f, "tensor(0.5000)")]
    [InlineData(-0.25f, "tensor(-0.2500)")]
    [InlineData(0f, "tensor(0.)")]
    [InlineData(1e9f, "tensor(1.0000e+09)")]
    [InlineData(float.NaN, "tensor(nan)")]
    [InlineData(float.NegativeInfinity, "tensor(-inf)")]
    public void Scalars(float value, string expected) => Assert.Equal(expected, Tensor.Full(value).ToString());

    [Theory]
    [InlineData(new float[] { 1e-5f, 1f }, "tensor([1.0000e-05, 1.0000e+00])")] // smallest below 1e-4
    [InlineData(new float[] { 1f, 2000f }, "tensor([1.0000e+00, 2.0000e+03])")] // integers over a 1000x range
    [InlineData(new float[] { 1f, 1000f }, "tensor([   1., 1000.])")] // exactly 1000x stays integer style
    [InlineData(new float[] { -1e-5f, 123.456f }, "tensor([-1.0000e-05,  1.2346e+02])")]
    [InlineData(new float[] { 1.5f, -2.25f }, "tensor([ 1.5000, -2.2500])")]
    [InlineData(new float[] { 0.03125f, 1f }, "tensor([0.0312, 1.0000])")] // Python rounds exact ties to even
    [InlineData(new float[] { -0f, 1f }, "tensor([-0., 1.])")]
    [InlineData(new float[] { float.NaN, 1f, float.PositiveInfinity }, "tensor([nan, 1., inf])")]
    [InlineData(new float[] { 0f, 0f, 0f }, "tensor([0., 0., 0.])")]
    [InlineData(new float[] { 123456789f, 1f }, "tensor([1.2346e+08, 1.0000e+00])")]
    public void Number_formats(float[] values, string expected) => Assert.Equal(expected, Tensor.From(values).ToString());

    [Fact]
    public void Long_rows_wrap_at_80_columns() =>
        Assert.Equal(
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n" +
            "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n" +
            "        28., 29.])",
            Tensor.Arange(30).ToString());

    [Fact]
    public void More_than_1000_elements_are_summarised_with_edge_items() =>
        Assert.Equal(
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n" +
            "        1.9990e+03])",
            Tensor.Arange(2000).ToString());

    [Fact]
    public void Exactly_1000_elements_are_not_summarised()
    {
        string text = Tensor.Zeros(1000).ToString();
        Assert.DoesNotContain("...", text);
        Assert.Equal(1000, text.Split("0.").Length - 1);
    }

    [Fact]
    public void Summarised_matrix_rows_wrap_under_their_own_bracket() =>
        Assert.Equal(
            "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.9700e+02, 9.9800e+02,\n" +
            "         9.9900e+02],\n" +
            "        [1.0000e+03, 1.0010e+03, 1.0020e+03,  ..., 1.9970e+03, 1.9980e+03,\n" +
            "         1.9990e+03]])",
            Tensor.Arange(2000).Reshape(2, 1000).ToString());

    [Fact]
    public void Summarised_matrix_elides_rows_and_columns() =>
        Assert.Equal(
            "tensor([[0., 0., 0.,  ..., 0., 0., 0.],\n" +
            "        [0., 0., 0.,  ..., 0., 0., 0.],\n" +
            "        [0., 0., 0.,  ..., 0., 0., 0.],\n" +
            "        ...,\n" +
            "        [0., 0., 0.,  ..., 0., 0., 0.],\n" +
            "        [0., 0., 0.,  ..., 0., 0., 0.],\n" +
            "        [0., 0., 0.,  ..., 0., 0., 0.]])",
            Tensor.Zeros(100, 100).ToString());

    [Fact]
    public void Summarised_three_dimensional_tensor_elides_whole_blocks()
    {
        string text = Tensor.Zeros(11, 10, 10).ToString();
        Assert.StartsWith("tensor([[[0., 0., 0.,  ..., 0., 0., 0.],\n         [0., 0., 0.,  ..., 0., 0., 0.],\n", text);
        Assert.Contains("]],\n\n        ...,\n\n        [[0., 0., 0.,  ..., 0., 0., 0.],\n", text);
        Assert.EndsWith("         [0., 0., 0.,  ..., 0., 0., 0.]]])", text);
        Assert.Equal(6 * 6, text.Split("[0.").Length - 1); // 3 + 3 blocks of 3 + 3 rows
    }

    [Fact]
    public void The_format_is_chosen_from_the_printed_elements_only()
    {
        // The middle element 1e-9 would force scientific notation, but it is summarised away.
        Tensor x = Tensor.Ones(2000);
        x[1000] = 1e-9f;
        Assert.Equal("tensor([1., 1., 1.,  ..., 1., 1., 1.])", x.ToString());
    }

    [Fact]
    public void Empty_tensors_print_their_size_unless_one_dimensional()
    {
        Assert.Equal("tensor([])", Tensor.Zeros(0).ToString());
        Assert.Equal("tensor([], size=(0, 3))", Tensor.Zeros(0, 3).ToString());
    }

    [Fact]
    public void A_leaf_that_requires_grad_says_so()
    {
        var x = Tensor.From(1f, 2);
        x.RequiresGrad = true;
        Assert.Equal("tensor([1., 2.], requires_grad=True)", x.ToString());
    }

    [Fact]
    public void A_non_leaf_names_its_grad_fn()
    {
        var x = Tensor.From(1f, 1);
        x.RequiresGrad = true;
        Assert.Equal("tensor(4., grad_fn=<SumBackward0>)", (x * 2f).Sum().ToString());
        Assert.Equal("tensor([2., 2.], grad_fn=<MulBackward0>)", (x * 2f).ToString());
    }

    [Fact]
    public void A_parameter_prints_as_pytorch_prints_a_parameter() =>
        Assert.Equal(
            "Parameter containing:\ntensor([1., 2.], requires_grad=True)",
            Tensor.From(1f, 2).AsParameter().ToString());

    [Fact]
    public void A_suffix_that_would_pass_column_80_goes_on_its_own_line()
    {
        Tensor x = Tensor.Full(0.5f, 2, 8);
        x.RequiresGrad = true;
        Assert.Equal(
            "tensor([[0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000],\n" +
            "        [0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000]],\n" +
            "       requires_grad=True)",
            x.ToString());
    }

    [Fact]
    public void Negative_values_in_scientific_mode_share_one_width()
    {
        var x = Tensor.From(new float[,] { { -1e-6f, 2f }, { 3e5f, -4f } });
        Assert.Equal(
            "tensor([[-1.0000e-06,  2.0000e+00],\n        [ 3.0000e+05, -4.0000e+00]])",
            x.ToString());
    }
}
