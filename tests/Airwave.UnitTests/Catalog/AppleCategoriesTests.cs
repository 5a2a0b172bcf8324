using Airwave.Catalog.Podcasts;
using Airwave.Core.Http;

namespace Airwave.UnitTests.Catalog;

public sealed class AppleCategoriesTests
{
    [Fact]
    public void All_MatchesApplesPublishedList_19CategoriesAnd110Entries()
    {
        AppleCategories.All.Count.ShouldBe(19);
        (AppleCategories.All.Count + AppleCategories.All.Values.Sum(s => s.Length)).ShouldBe(110);
    }

    [Fact]
    public void Validate_AnyLetterCase_ReturnsApplesSpelling()
    {
        var errors = new FieldErrors();
        AppleCategories.Validate("health & FITNESS", "mental health", errors).ShouldBe(("Health & Fitness", "Mental Health"));
        errors.Any.ShouldBeFalse();
    }

    [Fact]
    public void Validate_UnknownCategory_NamesTheFieldAndListsChoices()
    {
        var errors = new FieldErrors();
        AppleCategories.Validate("Podcasting", null, errors);
        var reason = errors.ToDictionary()["category"].Single();
        reason.ShouldContain("'Podcasting' is not an Apple Podcasts category");
        reason.ShouldContain("True Crime");
    }

    [Fact]
    public void Validate_SubcategoryOfAnotherCategory_IsRejected()
    {
        var errors = new FieldErrors();
        AppleCategories.Validate("Arts", "Tech News", errors);
        errors.ToDictionary()["subcategory"].Single().ShouldContain("not a subcategory of Arts");
    }

    [Fact]
    public void Validate_SubcategoryOfCategoryWithoutAny_SaysSo()
    {
        var errors = new FieldErrors();
        AppleCategories.Validate("Technology", "Gadgets", errors);
        errors.ToDictionary()["subcategory"].Single().ShouldBe("'Technology' has no subcategories");
    }

    [Fact]
    public void Validate_Missing_IsRequired()
    {
        var errors = new FieldErrors();
        AppleCategories.Validate(" ", null, errors);
        errors.ToDictionary()["category"].Single().ShouldStartWith("is required");
    }
}
