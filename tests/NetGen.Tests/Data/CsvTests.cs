using NetGen.Data;

namespace NetGen.Tests.Data;

public sealed class CsvTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "netgen-csv-" + Guid.NewGuid().ToString("N"));

    public CsvTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_file_with_a_header_reads_features_and_one_hot_labels_from_the_last_column()
    {
        string path = Write("iris.csv",
            "sepal_length,sepal_width,species",
            "5.1,3.5,0",
            "4.9,-3e-1,2",
            "6.2,2.9,1");

        Dataset data = Csv.Load(path);

        Assert.Equal(3, data.Count);
        Assert.Equal([2], data.SampleShape);
        Assert.Equal([5.1f, 3.5f, 4.9f, -0.3f, 6.2f, 2.9f], data.Features);
        Assert.Equal(new[] { 0, 2, 1 }, data.Labels);
        Assert.Equal(3, data.TargetSize);
        Assert.Equal([1f, 0f, 0f, 0f, 0f, 1f, 0f, 1f, 0f], data.Targets);
    }

    [Fact]
    public void A_file_without_a_header_starts_with_data()
    {
        string path = Write("plain.csv", "1,2,3,1", "4,5,6,0");

        Dataset data = Csv.Load(path);

        Assert.Equal(2, data.Count);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], data.Features);
        Assert.Equal(new[] { 1, 0 }, data.Labels);
        Assert.Equal(2, data.TargetSize);
    }

    [Fact]
    public void The_label_column_can_be_named_or_given_by_position_and_a_class_count_given()
    {
        string path = Write("first.csv", "label;x;y", "2;0.5;1.5", "0;-1;2");

        Dataset byName = Csv.Load(path, new CsvOptions { Separator = ';', TargetColumns = ["label"], ClassCount = 4 });
        Dataset byPosition = Csv.Load(path, new CsvOptions { Separator = ';', TargetColumns = [0], ClassCount = 4 });

        foreach (Dataset data in new[] { byName, byPosition })
        {
            Assert.Equal([0.5f, 1.5f, -1f, 2f], data.Features);
            Assert.Equal(new[] { 2, 0 }, data.Labels);
            Assert.Equal(4, data.TargetSize);
        }
    }

    [Fact]
    public void Regression_reads_several_target_columns_as_numbers()
    {
        string path = Write("houses.tsv", "rooms\tprice\tarea\tage", "3\t250.5\t80\t12", "5\t410\t130.25\t3");

        Dataset data = Csv.Load(path, new CsvOptions
        {
            Separator = '\t',
            TargetKind = CsvTargetKind.Regression,
            TargetColumns = ["price", ^2],
        });

        Assert.Equal([3f, 12f, 5f, 3f], data.Features);
        Assert.Equal([250.5f, 80f, 410f, 130.25f], data.Targets);
        Assert.Equal(2, data.TargetSize);
        Assert.Null(data.Labels);
    }

    [Fact]
    public void Quotes_blanks_blank_lines_a_byte_order_mark_and_CRLF_are_handled()
    {
        string path = Path.Combine(_directory, "quoted.csv");
        // UTF8Encoding(true) writes the byte-order mark; the header's fields are quoted, one with a separator and one with quotes inside.
        File.WriteAllText(path, "\"width, in cm\", \"say \"\"hi\"\"\" ,class\r\n 1.5 , \"2\",1\r\n\r\n3,4,0\r\n", new System.Text.UTF8Encoding(true));

        Dataset data = Csv.Load(path);

        Assert.Equal([1.5f, 2f, 3f, 4f], data.Features);
        Assert.Equal(new[] { 1, 0 }, data.Labels);
    }

    [Fact]
    public void Numbers_are_read_in_the_invariant_culture_whatever_the_current_one()
    {
        string path = Write("culture.csv", "1.5,2", "2.25,0");
        System.Globalization.CultureInfo saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Equal([1.5f, 2.25f], Csv.Load(path).Features);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void A_label_written_as_a_whole_float_is_that_class()
    {
        Assert.Equal(new[] { 2, 0 }, Csv.Load(Write("floats.csv", "1,2.0", "2,0.0")).Labels);
    }

    [Fact]
    public void HasHeader_true_takes_an_all_number_first_line_as_the_header()
    {
        string path = Write("years.csv", "2019,2020,label", "1,2,0");

        Dataset data = Csv.Load(path, new CsvOptions { HasHeader = true });

        Assert.Equal(1, data.Count);
        Assert.Equal([1f, 2f], data.Features);
    }

    [Theory]
    [InlineData(new[] { "a,b,label", "1,2,0", "3,4" }, "line 3, column 3 (\"label\"): the line has 2 fields, but the header (line 1) has 3.")]
    [InlineData(new[] { "1,2,0", "3,4,1,9" }, "line 2, column 4: the line has 4 fields, but the first row (line 1) has 3.")]
    [InlineData(new[] { "a,b,label", "1,2,0", "1,x7,1" }, "line 3, column 2 (\"b\"): \"x7\" is not a number")]
    [InlineData(new[] { "a,b,label", "1,,0" }, "line 2, column 2 (\"b\"): the field is empty")]
    [InlineData(new[] { "a,b,label", "1,NaN,0" }, "line 2, column 2 (\"b\"): \"NaN\" is not a finite float")]
    [InlineData(new[] { "a,b,label", "1,2,-1" }, "line 2, column 3 (\"label\"): class label \"-1\" is negative")]
    [InlineData(new[] { "a,b,label", "1,2,0", "", "1,2,1.5" }, "line 4, column 3 (\"label\"): class label \"1.5\" is not a whole number")]
    [InlineData(new[] { "a,b,label", "1,2,cat" }, "line 2, column 3 (\"label\"): \"cat\" is not a class label")]
    [InlineData(new[] { "a,b,label", "1,2," }, "line 2, column 3 (\"label\"): the class label is empty")]
    [InlineData(new[] { "1,2,0", "1,\"2,0" }, "line 2, column 2: the quote that opens this field (\"2,0) is not closed on this line")]
    [InlineData(new[] { "a,b,label" }, "the file holds no data rows after its header")]
    public void A_malformed_row_names_the_file_line_column_and_text(string[] lines, string expected)
    {
        string path = Write("bad.csv", lines);

        var e = Assert.Throws<InvalidDataException>(() => Csv.Load(path));

        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_label_not_below_the_given_class_count_is_an_error()
    {
        string path = Write("labels.csv", "x,y", "1,0", "2,3");

        var e = Assert.Throws<InvalidDataException>(() => Csv.Load(path, new CsvOptions { ClassCount = 3 }));

        Assert.Contains("line 3, column 2 (\"y\"): class label \"3\" is not below the class count 3", e.Message);
    }

    [Theory]
    [InlineData(new[] { "1,2,2000000000" }, "line 1, column 3: class label \"2000000000\" would make 2,000,000,001 classes")]
    [InlineData(new[] { "x,y,label", "1,2,0", "1,2,65536" }, "line 3, column 3 (\"label\"): class label \"65536\" would make 65,537 classes")]
    [InlineData(new[] { "x,y,label", "1,2,0", "1,2,1e300" }, "line 3, column 3 (\"label\"): class label \"1e300\" would make")]
    public void A_label_that_would_make_an_absurd_class_count_names_its_line_and_column_before_any_large_allocation(string[] lines, string expected)
    {
        // One-hot targets of 2,000,000,001 classes took 8 GB for this 15-byte file.
        string path = Write("huge.csv", lines);
        InvalidDataException? e = null;

        long allocated = AllocationCounter.BytesAllocatedBy(() => e = Assert.Throws<InvalidDataException>(() => Csv.Load(path)));

        Assert.StartsWith(path + ": ", e!.Message);
        Assert.Contains(expected, e.Message);
        Assert.Contains("more than the 65,536 classes Csv.Load infers from the labels; give CsvOptions.ClassCount", e.Message);
        Assert.InRange(allocated, 0, 1 << 20);
    }

    [Fact]
    public void A_class_count_beyond_the_inferred_limit_can_be_given()
    {
        string path = Write("many.csv", "0.5,70000", "1.5,3");

        Dataset data = Csv.Load(path, new CsvOptions { ClassCount = 70_001 });

        Assert.Equal(new[] { 70_000, 3 }, data.Labels);
        Assert.Equal(70_001, data.TargetSize);
        Assert.Equal(65_536, Csv.MaxInferredClassCount);
    }

    [Fact]
    public void A_missing_target_name_lists_the_header()
    {
        string path = Write("names.csv", "x,y,label", "1,2,0");

        var e = Assert.Throws<InvalidDataException>(() => Csv.Load(path, new CsvOptions { TargetColumns = ["species"] }));

        Assert.Contains(path, e.Message);
        Assert.Contains("no column named \"species\"; its columns are \"x\", \"y\", \"label\"", e.Message);
    }

    [Fact]
    public void A_target_name_needs_a_header()
    {
        string path = Write("numbers.csv", "1,2,0");

        var e = Assert.Throws<InvalidDataException>(() => Csv.Load(path, new CsvOptions { TargetColumns = ["label"] }));

        Assert.Contains("line 1 is not a header (every field of that line is a number)", e.Message);
    }

    [Fact]
    public void A_target_position_outside_the_columns_is_an_error()
    {
        string path = Write("narrow.csv", "1,2,0");

        var e = Assert.Throws<InvalidDataException>(() => Csv.Load(path, new CsvOptions { TargetColumns = [5] }));

        Assert.Contains("target column 5 is outside the 3 columns of line 1", e.Message);
    }

    [Fact]
    public void Two_target_columns_that_are_one_column_of_this_file_are_a_file_error_naming_both()
    {
        // "price" and ^1 are different columns of a file with an "area" column after "price"; here the file ends at "price".
        string path = Write("short.tsv", "rooms\tprice", "3\t250.5");

        var e = Assert.Throws<InvalidDataException>(() => Csv.Load(path, new CsvOptions
        {
            Separator = '\t',
            TargetKind = CsvTargetKind.Regression,
            TargetColumns = ["price", ^1],
        }));

        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains("target columns \"price\" and ^1 are both column 2 of line 1", e.Message);
        // The same column given twice contradicts itself in any file.
        Assert.Throws<ArgumentException>(() => Csv.Load(path, new CsvOptions { TargetKind = CsvTargetKind.Regression, TargetColumns = [^1, ^1] }));
    }

    [Fact]
    public void Classification_takes_exactly_one_label_column()
    {
        string path = Write("two.csv", "1,2,0");

        Assert.Throws<ArgumentException>(() => Csv.Load(path, new CsvOptions { TargetColumns = [0, 1] }));
        Assert.Throws<ArgumentException>(() => Csv.Load(path, new CsvOptions { TargetKind = CsvTargetKind.Regression, ClassCount = 2 }));
    }

    private string Write(string name, params string[] lines)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }
}
