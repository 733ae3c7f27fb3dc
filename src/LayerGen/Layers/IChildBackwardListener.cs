namespace LayerGen;

/// <summary>Told by <see cref="Sequential"/>'s span backward as each child's backward returns.</summary>
internal interface IChildBackwardListener
{
    /// <summary>
    /// Child <paramref name="index"/> has written its parameters' gradients and its input's gradient: nothing
    /// later in this backward pass reads its own parameters (children before it only read theirs).
    /// </summary>
    void AfterChildBackward(int index);
}
