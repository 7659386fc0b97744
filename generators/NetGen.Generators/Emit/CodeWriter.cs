using System;
using System.Text;

namespace NetGen.Generators.Emit;

/// <summary>Writes C# line by line, keeping track of indentation, so emitters never thread whitespace by hand.</summary>
internal sealed class CodeWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _text = new();
    private int _depth;

    public void Line(string line = "")
    {
        if (line.Length > 0)
        {
            for (int i = 0; i < _depth; i++)
            {
                _text.Append(IndentUnit);
            }
            _text.Append(line);
        }
        _text.Append('\n');
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the returned scope is disposed.</summary>
    public IDisposable Block(string header)
    {
        Line(header);
        Line("{");
        _depth++;
        return new Scope(this);
    }

    /// <summary>
    /// A call with one argument a line, as generated code writes kernel calls: <c>Kernel(</c>, then each argument
    /// indented with a comma after it, the last closing the call.
    /// </summary>
    public void Call(string method, params string[] arguments)
    {
        Line(method + "(");
        for (int i = 0; i < arguments.Length; i++)
        {
            Line(IndentUnit + arguments[i] + (i == arguments.Length - 1 ? ");" : ","));
        }
    }

    public override string ToString() => _text.ToString();

    private sealed class Scope(CodeWriter writer) : IDisposable
    {
        public void Dispose()
        {
            writer._depth--;
            writer.Line("}");
        }
    }
}
