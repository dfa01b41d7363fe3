using System.Globalization;
using ScottPlot;
using Serverless.Shop.Domain.Analytics.Reports;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;

namespace Serverless.Shop.Infrastructure.Analytics.Reports;

/// <summary>
/// The report's charts as PNG images, drawn by ScottPlot (SkiaSharp, headless; its Linux native library comes with the
/// package): net sales by day with the previous period dashed, the top products, the funnel. Charts of money use the
/// first currency that sold (a chart never adds currencies together); the tables have every currency.
/// </summary>
public static class ReportCharts
{
    public const string RevenueByDay = "revenue-by-day.png";
    public const string TopProducts = "top-products.png";
    public const string Funnel = "funnel.png";
    private const int Width = 640, Height = 320;

    public static IReadOnlyList<ReportFile> Of(BusinessReport report) =>
        [Draw(RevenueByDay, p => RevenueChart(p, report)), Draw(TopProducts, p => TopProductsChart(p, report)), Draw(Funnel, p => FunnelChart(p, report))];

    private static ReportFile Draw(string name, Action<Plot> draw)
    {
        var plot = new Plot();
        draw(plot);
        return new ReportFile(name, "image/png", plot.GetImageBytes(Width, Height, ImageFormat.Png));
    }

    private static void RevenueChart(Plot plot, BusinessReport report)
    {
        var currency = report.NetByDay.Select(d => d.Currency).FirstOrDefault();
        plot.Title(currency is null ? "Net sales by day" : $"Net sales by day ({currency})");
        if (currency is null) { Empty(plot, "Net sales by day", "No sales in this period"); return; }
        var now = report.NetByDay.Where(d => d.Currency == currency).ToList();
        var before = report.PreviousNetByDay.Where(d => d.Currency == currency).ToList();
        var digits = Currencies.MinorDigits(currency);
        double Major(long minor) => (double)MoneyRounding.FromMinorUnits(minor, digits);

        var current = plot.Add.Scatter(now.Select((_, i) => (double)i).ToArray(), now.Select(d => Major(d.Net)).ToArray());
        current.LegendText = "this period";
        if (before.Count > 0)
        {
            var previous = plot.Add.Scatter(before.Select((_, i) => (double)i).ToArray(), before.Select(d => Major(d.Net)).ToArray());
            previous.LegendText = "previous period";
            previous.LinePattern = LinePattern.Dashed;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            now.Select((_, i) => (double)i).ToArray(), now.Select(d => d.Day.ToString("MM-dd", CultureInfo.InvariantCulture)).ToArray());
        plot.ShowLegend();
    }

    private static void TopProductsChart(Plot plot, BusinessReport report)
    {
        var currency = report.TopProducts.Select(p => p.Currency).FirstOrDefault();
        plot.Title(currency is null ? "Top products" : $"Top products by net sales ({currency})");
        if (currency is null) { Empty(plot, "Top products", "No sales in this period"); return; }
        var top = report.TopProducts.Where(p => p.Currency == currency).Reverse().ToList(); // the best at the top
        var digits = Currencies.MinorDigits(currency);
        var bars = plot.Add.Bars(top.Select(p => (double)MoneyRounding.FromMinorUnits(p.Measures.Net, digits)).ToArray());
        bars.Horizontal = true;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            top.Select((_, i) => (double)i).ToArray(), top.Select(p => p.Name ?? p.Key).Select(label => label.Length > 24 ? label[..24] : label).ToArray());
    }

    private static void FunnelChart(Plot plot, BusinessReport report)
    {
        var f = report.Funnel;
        plot.Title("Funnel (sessions)");
        if (f.Viewed + f.AddedToCart + f.StartedCheckout + f.Purchased == 0) { Empty(plot, "Funnel (sessions)", "No sessions in this period"); return; }
        plot.Add.Bars(new double[] { f.Viewed, f.AddedToCart, f.StartedCheckout, f.Purchased });
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [0, 1, 2, 3], ["viewed", "added to cart", "started checkout", "purchased"]);
    }

    // Axes from -10 to 10 around nothing read as a broken chart: an empty one keeps its title and says so in words.
    private static void Empty(Plot plot, string title, string message)
    {
        plot.Axes.Frameless();
        plot.HideGrid();
        plot.Title(title); // Frameless hides the title panel too
        var note = plot.Add.Annotation(message, Alignment.MiddleCenter);
        note.LabelFontSize = 16;
        note.LabelBackgroundColor = Colors.Transparent;
        note.LabelBorderColor = Colors.Transparent;
        note.LabelShadowColor = Colors.Transparent;
    }
}
