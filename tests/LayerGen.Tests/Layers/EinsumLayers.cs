using System;
using LayerGen;

namespace LayerGen.Tests.Layers.Einsum;

// Einsum layers chosen so that their forward and backward einsums take every loop form the emitter has
// (Emit/EinsumEmitter.cs): the output's last letter vectorised, a summed letter vectorised (with and
// without another summed letter to unroll), scalar accumulators, and no summed letter at all.

/// <summary>
/// y = x·W as "bi,ij->bj": forward vectorises the output's j, summing i; dW = "bi,bj->ij" sums b;
/// dX = "bj,ij->bi" vectorises the summed j (i is not contiguous in W) with no other summed letter.
/// </summary>
[Layer(Input = "[*, n]")]
public partial class EinsumProduct(int n, int m)
{
    [Parameter] private Tensor weight = Tensor.Randn(n, m);

    private Tensor Forward(Tensor x) => Ops.Einsum("bi,ij->bj", x, weight);
}

/// <summary>
/// "bi,ijk->bkj": j is not contiguous in W and the summed i is not contiguous in x, so forward and both
/// backward einsums use scalar accumulators.
/// </summary>
[Layer(Input = "[*, n]")]
public partial class EinsumScalarForm(int n, int m, int p)
{
    [Parameter] private Tensor weight = Tensor.Randn(n, m, p);

    private Tensor Forward(Tensor x) => Ops.Einsum("bi,ijk->bkj", x, weight);
}

/// <summary>
/// The outer product "bi,j->bij": no summed letter in the forward; dX = "bij,j->bi" vectorises the summed
/// j; dv = "bi,bij->j" sums b and i, unrolling i.
/// </summary>
[Layer(Input = "[*, n]")]
public partial class EinsumOuter(int n, int m)
{
    [Parameter] private Tensor vector = Tensor.Randn(m);

    private Tensor Forward(Tensor x) => Ops.Einsum("bi,j->bij", x, vector);
}

/// <summary>
/// "bi,ji->bj", W stored [out, in] as torch's Linear: a matrix product with the second factor transposed
/// (x·Wᵀ); dW = "bi,bj->ji" is one with the first transposed (dYᵀ·x) and dX = "ji,bj->bi" a plain one
/// (dY·W). Large sizes run the runtime GEMM, small ones the loops.
/// </summary>
[Layer(Input = "[*, n]")]
public partial class EinsumTransposedWeight(int n, int m)
{
    [Parameter] private Tensor weight = Tensor.Randn(m, n);

    private Tensor Forward(Tensor x) => Ops.Einsum("bi,ji->bj", x, weight);
}

/// <summary>
/// Three operands, "bi,ij,jk->bk": contracted pairwise, x·W1 first ("bi,ij->bj"), then with W2; every
/// step and every gradient is a matrix product.
/// </summary>
[Layer(Input = "[*, n]")]
public partial class EinsumChain(int n, int m, int p)
{
    // Scaled so that y stays O(1): the finite-difference check's float rounding grows with |y|.
    [Parameter] private Tensor first = Tensor.Uniform(-1f / MathF.Sqrt(n), 1f / MathF.Sqrt(n), n, m);
    [Parameter] private Tensor second = Tensor.Uniform(-1f / MathF.Sqrt(m), 1f / MathF.Sqrt(m), m, p);

    private Tensor Forward(Tensor x) => Ops.Einsum("bi,ij,jk->bk", x, first, second);
}

/// <summary>
/// Four operands, "bi,ij,bj,k->bk" (the quadratic form xᵀWx times a vector): pairwise steps mixing a
/// matrix product (x·W) with batched ones that are not ("bj,bj->b", "b,k->bk"), and x used twice.
/// </summary>
[Layer(Input = "[*, n]")]
public partial class EinsumFourOperands(int n, int m)
{
    // Scaled so that xᵀWx stays O(1) (a sum of n² terms): the finite-difference check's float rounding grows with |y|.
    [Parameter] private Tensor weight = Tensor.Uniform(-1f / n, 1f / n, n, n);
    [Parameter] private Tensor vector = Tensor.Randn(m);

    private Tensor Forward(Tensor x) => Ops.Einsum("bi,ij,bj,k->bk", x, weight, x, vector);
}
