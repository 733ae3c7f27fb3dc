namespace LayerGen.Generator.Ir;

/// <summary>
/// One op a forward definition may call, as written in C#: its name (a method, property or operator token) and
/// form, how many tensors it takes, and what it becomes in the graph — one node of an element-wise function
/// (<see cref="Function"/>), or a construction Building knows by <see cref="Construct"/>. Its eager implementation
/// is the runtime member of the same name and form (<c>Ops.Name</c>, <c>Tensor.Name</c>, the operator); its
/// constant arguments are the runtime method's non-tensor parameters, read with their defaults.
/// </summary>
/// <remarks>Instances are singletons of <see cref="OpTable"/>, compared by reference.</remarks>
internal sealed class OpInfo
{
    public OpInfo(string name, WrittenForm form, int operands, Construct construct, bool variadic = false, bool numbersAreOperands = false, Elementwise? function = null)
    {
        Name = name;
        Form = form;
        Operands = operands;
        Construct = construct;
        Variadic = variadic;
        NumbersAreOperands = numbersAreOperands;
        Function = function;
    }

    /// <summary>The method or property name (<c>Softplus</c>, <c>T</c>), or the operator's token (<c>+</c>).</summary>
    public string Name { get; }

    public WrittenForm Form { get; }

    /// <summary>The tensor operands it takes (the receiver of a method counts); with <see cref="Variadic"/>, at least these.</summary>
    public int Operands { get; }

    /// <summary>Takes any number of tensors from <see cref="Operands"/> on (<c>Concat</c>, <c>Stack</c>, <c>Einsum</c>).</summary>
    public bool Variadic { get; }

    /// <summary>A constant where a tensor may go is an operand (<c>x.Gt(0f)</c>, <c>Ops.Where(mask, x, -inf)</c>).</summary>
    public bool NumbersAreOperands { get; }

    /// <summary>For <see cref="Construct.Function"/>: the element-wise function it is one node of.</summary>
    public Elementwise? Function { get; }

    public Construct Construct { get; }

    /// <summary>How a user writes it: <c>Ops.Softplus(...)</c>, <c>x.Sum(...)</c>, <c>w.T</c>, <c>a + b</c>.</summary>
    public string Spelled => Form switch
    {
        WrittenForm.OpsFunction => $"Ops.{Name}",
        WrittenForm.TensorMethod => $"x.{Name}",
        WrittenForm.TensorProperty => $"x.{Name}",
        _ => Operands == 1 ? $"{Name}a" : $"a {Name} b",
    };

    public override string ToString() => Spelled;
}
