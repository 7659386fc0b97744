using System.Globalization;
using System.Text;
using NetGen.IO;

namespace NetGen.Data;

/// <summary>What the target columns of a CSV file hold.</summary>
public enum CsvTargetKind
{
    /// <summary>
    /// One column of class indices 0, 1, 2, …; each becomes a one-hot target (<see cref="Dataset.FromLabels"/>). A
    /// binary classifier (one sigmoid unit) learns labels 0 and 1 as they are.
    /// </summary>
    Classification,

    /// <summary>One or more columns of numbers, used as they are (<see cref="Dataset.FromTargets"/>).</summary>
    Regression,
}

/// <summary>
/// A column of a CSV file, by position or by header name. Ints, <see cref="Index"/>es and strings
/// convert to it: <c>3</c> is the fourth column, <c>^1</c> the last, <c>"species"</c> the column
/// whose header is <c>species</c> (case-sensitive).
/// </summary>
public sealed record CsvColumn
{
    private CsvColumn(Index position, string? name)
    {
        Position = position;
        Name = name;
    }

    /// <summary>The 0-based position (from the end with <c>^</c>); used when <see cref="Name"/> is null.</summary>
    public Index Position { get; }

    /// <summary>The header name, or null for a column given by position.</summary>
    public string? Name { get; }

    /// <summary>The column at <paramref name="position"/>: 0 is the first, <c>^1</c> the last.</summary>
    public static CsvColumn At(Index position) => new(position, null);

    /// <summary>The column whose header is <paramref name="name"/>; the file needs a header row.</summary>
    public static CsvColumn Named(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new(default, name);
    }

    /// <summary>The column at a 0-based position.</summary>
    public static implicit operator CsvColumn(int position) => At(position);

    /// <summary>The column at a position, possibly from the end (<c>^1</c>).</summary>
    public static implicit operator CsvColumn(Index position) => At(position);

    /// <summary>The column with this header name.</summary>
    public static implicit operator CsvColumn(string name) => Named(name);

    /// <inheritdoc/>
    public override string ToString() => Name is null ? Position.ToString() : $"\"{Name}\"";
}

/// <summary>How <see cref="Csv.Load"/> reads a file; the defaults read <c>x1,x2,…,label</c> with or without a header.</summary>
public sealed record CsvOptions
{
    /// <summary>The character between fields; <c>','</c> unless given (<c>';'</c>, <c>'\t'</c> …).</summary>
    public char Separator { get; init; } = ',';

    /// <summary>
    /// Whether the first non-blank line names the columns. Null (the default) decides from the line
    /// itself: it is a header if any of its fields is text that is not a number. Set it when a header
    /// consists of numbers, or when the first data row could be mistaken for one.
    /// </summary>
    public bool? HasHeader { get; init; }

    /// <summary>The target columns; the last column unless given. Every other column is a feature.</summary>
    public IReadOnlyList<CsvColumn> TargetColumns { get; init; } = [CsvColumn.At(^1)];

    /// <summary>Class labels (the default, one target column) or numeric targets.</summary>
    public CsvTargetKind TargetKind { get; init; } = CsvTargetKind.Classification;

    /// <summary>
    /// For classification: the number of classes; labels must be below it. Null means the largest label + 1, which may be
    /// at most <see cref="Csv.MaxInferredClassCount"/>.
    /// </summary>
    public int? ClassCount { get; init; }
}

/// <summary>
/// Reads numeric CSV files into a <see cref="Dataset"/>: each row a sample, its feature columns the
/// sample's numbers (shape <c>[features]</c>), its target columns the target.
/// </summary>
/// <remarks>
/// <para>
/// Numbers are read with the invariant culture (<c>1.5</c>, <c>-2e-3</c>; never <c>1,5</c>) and must be
/// finite. Fields may be quoted as RFC 4180 describes (<c>"a ""b"""</c>), but a quoted field cannot
/// span lines. Spaces and tabs around a field are ignored, as are blank lines; a UTF-8 byte-order mark
/// is skipped.
/// </para>
/// <para>
/// Any malformed row throws <see cref="InvalidDataException"/> naming the file, the 1-based line and
/// column, the column's header name if there is one, and the offending text.
/// </para>
/// </remarks>
public static class Csv
{
    /// <summary>
    /// The most classes <see cref="Load"/> infers from the labels when <see cref="CsvOptions.ClassCount"/> is not given:
    /// 65,536. A larger label is far more likely a misplaced column or a corrupt value than a class (one-hot targets of
    /// that width take 256 KB a sample), so it is an error naming its line and column; give the class count to go beyond.
    /// </summary>
    public const int MaxInferredClassCount = 65_536;

    /// <summary>Reads a CSV file as described in the class remarks.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Separator, header, target columns and kind; the defaults when null.</param>
    /// <exception cref="InvalidDataException">A row is malformed, a target column does not exist, two target columns are one column of this file, or there are no data rows.</exception>
    /// <exception cref="ArgumentException">The options contradict each other.</exception>
    public static Dataset Load(string path, CsvOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new CsvOptions();
        Validate(options);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return new Parser(path, options).Read(reader);
    }

    private static void Validate(CsvOptions options)
    {
        if (options.Separator is '"' or '\r' or '\n')
        {
            throw new ArgumentException($"The separator cannot be {(options.Separator == '"' ? "a quote" : "a line break")}.", nameof(options));
        }
        ArgumentNullException.ThrowIfNull(options.TargetColumns, nameof(options));
        if (options.TargetColumns.Count == 0 || options.TargetColumns.Contains(null))
        {
            throw new ArgumentException("TargetColumns needs at least one column, and no null.", nameof(options));
        }
        if (options.TargetColumns.Distinct().Count() != options.TargetColumns.Count)
        {
            throw new ArgumentException($"TargetColumns names a column twice ({string.Join(", ", options.TargetColumns)}).", nameof(options));
        }
        if (options.TargetKind == CsvTargetKind.Classification && options.TargetColumns.Count != 1)
        {
            throw new ArgumentException(
                $"Classification reads one label column, but {options.TargetColumns.Count} target columns were given; use CsvTargetKind.Regression for several numeric targets.",
                nameof(options));
        }
        if (options.ClassCount is int classCount)
        {
            if (options.TargetKind != CsvTargetKind.Classification)
            {
                throw new ArgumentException("ClassCount applies to classification only.", nameof(options));
            }
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount, nameof(options));
        }
    }

    /// <summary>Reads one file: the first non-blank line fixes the columns (and may be the header), every later one is a sample.</summary>
    private sealed class Parser(string path, CsvOptions options)
    {
        private readonly List<float> _features = [];
        private readonly List<float> _targets = [];
        private readonly List<int> _labels = [];
        private string[]? _header;
        private int _columnCount = -1;
        private int _firstLine;
        private bool[] _isTarget = [];
        private int[] _targetColumns = [];
        // The largest label and its line: the class count, unless given, and where it came from.
        private (int Label, int Line) _largest = (-1, 0);
        // Reused from line to line: a line of short fields would otherwise cost a list and a builder per field many times its bytes.
        private readonly List<string> _fields = [];
        private readonly StringBuilder _quoted = new();

        private bool Classification => options.TargetKind == CsvTargetKind.Classification;

        public Dataset Read(TextReader reader)
        {
            int lineNumber = 0;
            for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }
                List<string> fields = Split(line, lineNumber);
                if (_columnCount < 0 && DefineColumns(fields, lineNumber))
                {
                    continue; // the header
                }
                ReadRow(fields, lineNumber);
            }
            if (_columnCount < 0 || (Classification ? _labels.Count : _targets.Count) == 0)
            {
                throw FileErrors.Invalid(path, $"the file holds no data rows{(_header is null ? "" : " after its header")}.");
            }
            return Build();
        }

        /// <summary>Fixes the column count, the header and the target columns from the first line; returns whether that line is a header.</summary>
        private bool DefineColumns(List<string> fields, int lineNumber)
        {
            _columnCount = fields.Count;
            _firstLine = lineNumber;
            bool isHeader = options.HasHeader ?? fields.Exists(field => field.Length > 0 && !IsNumber(field));
            _header = isHeader ? fields.ToArray() : null;

            _isTarget = new bool[_columnCount];
            _targetColumns = new int[options.TargetColumns.Count];
            for (int i = 0; i < _targetColumns.Length; i++)
            {
                CsvColumn column = options.TargetColumns[i];
                int index = Resolve(column);
                if (_isTarget[index])
                {
                    // Two different descriptions (Validate refuses the same one twice) that meet in this file, as "price" and ^1 do when "price" is last.
                    CsvColumn first = options.TargetColumns[Array.IndexOf(_targetColumns, index, 0, i)];
                    throw FileErrors.Invalid(path,
                        $"the target columns {first} and {column} are both column {index + 1} of line {lineNumber}; each target must be a column of its own.");
                }
                _isTarget[index] = true;
                _targetColumns[i] = index;
            }
            if (_targetColumns.Length == _columnCount)
            {
                throw FileErrors.Invalid(path, $"line {lineNumber} has {_columnCount} columns and all are targets; no feature columns remain.");
            }
            return isHeader;
        }

        private int Resolve(CsvColumn column)
        {
            if (column.Name is not string name)
            {
                int offset = column.Position.IsFromEnd ? _columnCount - column.Position.Value : column.Position.Value;
                if (offset < 0 || offset >= _columnCount)
                {
                    throw FileErrors.Invalid(path, $"target column {column} is outside the {_columnCount} columns of line {_firstLine}.");
                }
                return offset;
            }
            if (_header is null)
            {
                string why = options.HasHeader == false ? "HasHeader is false" : "every field of that line is a number";
                throw FileErrors.Invalid(path,
                    $"the target column \"{name}\" is given by name, but line {_firstLine} is not a header ({why}); give the column's position instead, or set HasHeader.");
            }
            int[] matches = Enumerable.Range(0, _columnCount).Where(i => _header[i] == name).ToArray();
            if (matches.Length != 1)
            {
                throw FileErrors.Invalid(path, matches.Length == 0
                    ? (FormattableString)$"the header (line {_firstLine}) has no column named \"{name}\"; its columns are {string.Join(", ", _header.Select(h => $"\"{h}\""))}."
                    : $"the header (line {_firstLine}) names columns {string.Join(" and ", matches.Select(i => i + 1))} \"{name}\"; give the target column's position instead.");
            }
            return matches[0];
        }

        private void ReadRow(List<string> fields, int line)
        {
            if (fields.Count != _columnCount)
            {
                string source = _header is null ? $"the first row (line {_firstLine})" : $"the header (line {_firstLine})";
                // The first column that is extra or missing.
                int column = Math.Min(fields.Count, _columnCount) + 1;
                throw Error(line, column, $"the line has {fields.Count} fields, but {source} has {_columnCount}.");
            }
            for (int index = 0; index < fields.Count; index++)
            {
                if (!_isTarget[index])
                {
                    _features.Add(ParseNumber(fields[index], line, index + 1));
                }
            }
            foreach (int index in _targetColumns)
            {
                if (Classification)
                {
                    _labels.Add(ParseLabel(fields[index], line, index + 1));
                }
                else
                {
                    _targets.Add(ParseNumber(fields[index], line, index + 1));
                }
            }
        }

        private float ParseNumber(string text, int line, int column)
        {
            if (text.Length == 0)
            {
                throw Error(line, column, $"the field is empty; every feature and target needs a number.");
            }
            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
            {
                throw Error(line, column, $"\"{text}\" is not a number (numbers are read as 1234.5 or 1.2345e3, in any culture).");
            }
            if (!float.IsFinite(value))
            {
                throw Error(line, column, $"\"{text}\" is not a finite float; NetGen trains on finite numbers, so fill in or drop missing values first.");
            }
            return value;
        }

        private int ParseLabel(string text, int line, int column)
        {
            const string Expected = "class labels are whole numbers 0, 1, 2, …";
            if (text.Length == 0)
            {
                throw Error(line, column, $"the class label is empty; {Expected}.");
            }
            // Parsed as a double so that "2.0", as some tools write integers, is label 2.
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            {
                throw Error(line, column, $"\"{text}\" is not a class label; {Expected}.");
            }
            if (value < 0)
            {
                throw Error(line, column, $"class label \"{text}\" is negative; {Expected}.");
            }
            if (value != Math.Floor(value))
            {
                throw Error(line, column, $"class label \"{text}\" is not a whole number; {Expected} (use CsvTargetKind.Regression for numeric targets).");
            }
            if (options.ClassCount is int classCount && value >= classCount)
            {
                throw Error(line, column, $"class label \"{text}\" is not below the class count {classCount} given in CsvOptions.ClassCount.");
            }
            if (options.ClassCount is null && value >= MaxInferredClassCount)
            {
                string classes = value < long.MaxValue ? ((long)value + 1).ToString("N0", CultureInfo.InvariantCulture) : value.ToString("G3", CultureInfo.InvariantCulture);
                throw Error(line, column,
                    $"class label \"{text}\" would make {classes} classes, more than the {MaxInferredClassCount:N0} classes Csv.Load infers from the labels; give CsvOptions.ClassCount if the data really has that many (each sample's one-hot target takes 4 bytes a class).");
            }
            int label = (int)value;
            if (label > _largest.Label)
            {
                _largest = (label, line);
            }
            return label;
        }

        private Dataset Build()
        {
            int featureCount = _columnCount - _targetColumns.Length;
            float[] features = _features.ToArray();
            if (!Classification)
            {
                return Dataset.FromTargets(features, [featureCount], _targets.ToArray(), _targetColumns.Length);
            }
            int classCount = options.ClassCount ?? _largest.Label + 1;
            if ((long)_labels.Count * classCount > Array.MaxLength)
            {
                string source = options.ClassCount is null ? FormattableString.Invariant($" (the largest label, {_largest.Label}, is on line {_largest.Line})") : "";
                throw FileErrors.Invalid(path, $"{_labels.Count:N0} one-hot targets of {classCount:N0} classes{source} do not fit in one array.");
            }
            return Dataset.FromLabels(features, [featureCount], _labels.ToArray(), classCount);
        }

        /// <summary>
        /// Splits a line at the separator, honouring quotes; fields come back unquoted and without surrounding blanks, in a
        /// list that the next call reuses.
        /// </summary>
        private List<string> Split(string line, int lineNumber)
        {
            char separator = options.Separator;
            List<string> fields = _fields;
            fields.Clear();
            int i = 0;
            while (true)
            {
                int column = fields.Count + 1;
                while (i < line.Length && line[i] != separator && IsBlank(line[i]))
                {
                    i++;
                }
                if (i < line.Length && line[i] == '"')
                {
                    int opening = i;
                    StringBuilder text = _quoted.Clear();
                    for (i++; ; i++)
                    {
                        if (i == line.Length)
                        {
                            throw Error(lineNumber, column, $"the quote that opens this field ({line[opening..]}) is not closed on this line; a field cannot span lines.");
                        }
                        if (line[i] == '"')
                        {
                            if (i + 1 < line.Length && line[i + 1] == '"')
                            {
                                text.Append('"'); // "" inside quotes is one quote
                                i++;
                                continue;
                            }
                            i++;
                            break;
                        }
                        text.Append(line[i]);
                    }
                    while (i < line.Length && line[i] != separator && IsBlank(line[i]))
                    {
                        i++;
                    }
                    if (i < line.Length && line[i] != separator)
                    {
                        throw Error(lineNumber, column, $"\"{line[i..]}\" follows the closing quote of field {line[opening..i]}; a quoted field ends at its closing quote.");
                    }
                    fields.Add(text.ToString());
                }
                else
                {
                    int end = line.IndexOf(separator, i);
                    end = end < 0 ? line.Length : end;
                    int stop = end;
                    while (stop > i && IsBlank(line[stop - 1]))
                    {
                        stop--; // trimmed here rather than by TrimEnd, whose char array costs more than a short field
                    }
                    fields.Add(line[i..stop]);
                    i = end;
                }
                if (i >= line.Length)
                {
                    return fields;
                }
                i++; // past the separator
            }
        }

        /// <summary><c>{path}: line 7, column 3 ("petal_length"): {problem}</c></summary>
        private InvalidDataException Error(int line, int column, FormattableString problem)
        {
            string name = _header is not null && column <= _header.Length ? $" (\"{_header[column - 1]}\")" : "";
            return FileErrors.Invalid(path, $"line {line}, column {column}{name}: {FormattableString.Invariant(problem)}");
        }

        private static bool IsBlank(char c) => c is ' ' or '\t';

        private static bool IsNumber(string text) => float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }
}
