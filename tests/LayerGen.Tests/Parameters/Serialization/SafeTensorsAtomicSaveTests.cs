using System;
using System.IO;
using LayerGen.Tests.Layers;
using Xunit;

namespace LayerGen.Tests.Parameters.Serialization;

/// <summary>
/// <see cref="SafeTensors.Save(ILayer, string, System.Collections.Generic.IReadOnlyDictionary{string, string}?)"/>
/// writes a temporary file in the target's folder and renames it over the target only once it is
/// complete and flushed. Failures are injected through the internal seam that opens the temporary file.
/// </summary>
public sealed class SafeTensorsAtomicSaveTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(0)]     // before the length field
    [InlineData(5)]     // inside the length field
    [InlineData(100)]   // inside the header
    [InlineData(1000)]  // inside the data (the header is about 300 bytes, the data 2 348)
    public void A_failure_mid_save_leaves_the_previous_file_intact_and_no_temporary_file(int failAfter)
    {
        string path = _folder.File("model.safetensors");
        var first = new Sequential(new MyLinear(64, 8), new MyLinear(8, 1));
        SafeTensors.Save(first, path);
        byte[] previous = File.ReadAllBytes(path);
        Assert.True(previous.Length > failAfter + 1000); // the failure hits before the end

        var second = new Sequential(new MyLinear(64, 8), new MyLinear(8, 1));
        string? temporary = null;
        var e = Assert.Throws<IOException>(() => SafeTensors.Save(second, path, null, name =>
        {
            temporary = name;
            return new FailingStream(new FileStream(name, FileMode.CreateNew), failAfter);
        }));

        Assert.Equal(FailingStream.Message, e.Message);
        Assert.Equal(_folder.Path, Path.GetDirectoryName(temporary)); // the temporary file was in the same folder
        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _folder.FileNames());
    }

    [Fact]
    public void A_failure_on_a_first_save_leaves_no_file_at_all()
    {
        string path = _folder.File("new.safetensors");
        Assert.Throws<IOException>(() => SafeTensors.Save(new MyLinear(4, 4), path, null,
            name => new FailingStream(new FileStream(name, FileMode.CreateNew), 50)));
        Assert.Empty(_folder.FileNames());
    }

    [Fact]
    public void A_successful_save_replaces_the_file_and_is_deterministic()
    {
        string path = _folder.File("model.safetensors");
        var net = new Sequential(new MyLinear(4, 3));
        SafeTensors.Save(new Sequential(new MyLinear(4, 3)), path);
        SafeTensors.Save(net, path);
        byte[] once = File.ReadAllBytes(path);
        SafeTensors.Save(net, path);

        Assert.Equal(once, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _folder.FileNames());
        var loaded = new Sequential(new MyLinear(4, 3));
        SafeTensors.Load(loaded, path);
        Assert.Equal(net.StateDict()["0.weight"].Data, loaded.StateDict()["0.weight"].Data);
    }

    /// <summary>Passes writes to a file until <c>failAfter</c> bytes, then throws, as a full disk would.</summary>
    private sealed class FailingStream(FileStream inner, int failAfter) : Stream
    {
        public const string Message = "injected failure";

        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int allowed = (int)Math.Clamp(failAfter - _written, 0, buffer.Length);
            inner.Write(buffer[..allowed]);
            inner.Flush(); // the partial file really is on disk when the failure hits
            _written += allowed;
            if (allowed < buffer.Length)
            {
                throw new IOException(Message);
            }
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
