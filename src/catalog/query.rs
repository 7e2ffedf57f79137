//! What a shopper asks of the catalogue: search text, category, sort and page.
//!
//! One type serves the product page's URL (`/products?q=mug&category=Kitchen&sort=price_asc&page=2`),
//! the `get_products` server function and `GET /api/products`, so all three accept exactly the
//! same parameters and explain a bad one in the same words.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The categories of the catalogue, in the order the storefront lists them.
pub const CATEGORIES: [&str; 6] = [
    "Kitchen", "Home", "Office", "Travel", "Outdoors", "Wellness",
];

/// Results per page when the request does not say.
pub const DEFAULT_PER_PAGE: u32 = 12;
/// The most results one page may hold.
pub const MAX_PER_PAGE: u32 = 100;
/// The highest page number accepted (far beyond the catalogue; it only bounds the offset).
pub const MAX_PAGE: u32 = 10_000;
/// The longest search text accepted, in characters.
pub const MAX_SEARCH_CHARS: usize = 100;

/// The order of the results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// The shop's own order (the catalogue order).
    #[default]
    Featured,
    PriceAsc,
    PriceDesc,
    Name,
    /// Best rated first.
    Rating,
}

impl SortOrder {
    pub const ALL: [SortOrder; 5] = [
        SortOrder::Featured,
        SortOrder::PriceAsc,
        SortOrder::PriceDesc,
        SortOrder::Name,
        SortOrder::Rating,
    ];

    /// The value in URLs and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Featured => "featured",
            SortOrder::PriceAsc => "price_asc",
            SortOrder::PriceDesc => "price_desc",
            SortOrder::Name => "name",
            SortOrder::Rating => "rating",
        }
    }

    /// The words for it in the sort menu.
    pub fn label(self) -> &'static str {
        match self {
            SortOrder::Featured => "Featured",
            SortOrder::PriceAsc => "Price: low to high",
            SortOrder::PriceDesc => "Price: high to low",
            SortOrder::Name => "Name: A to Z",
            SortOrder::Rating => "Best rated",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// A valid catalogue query. Build one with [`ProductQuery::from_pairs`] (from a URL) or check a
/// deserialised one with [`ProductQuery::validate`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductQuery {
    /// Words to find in the name or description; empty finds everything.
    pub q: String,
    /// One of [`CATEGORIES`], or every category.
    pub category: Option<String>,
    pub sort: SortOrder,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

impl Default for ProductQuery {
    fn default() -> Self {
        Self {
            q: String::new(),
            category: None,
            sort: SortOrder::default(),
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

/// Why a query was refused: which parameter, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{parameter}: {message}")]
pub struct QueryError {
    pub parameter: String,
    pub message: String,
}

impl QueryError {
    fn new(parameter: &str, message: impl Into<String>) -> Self {
        Self {
            parameter: parameter.to_owned(),
            message: message.into(),
        }
    }
}

impl ProductQuery {
    /// Parses URL query pairs. Empty values count as absent (a form sends `q=` for an empty
    /// search box); unknown parameters are refused, so a typo is not silently ignored.
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Result<Self, QueryError>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut query = ProductQuery::default();
        for (key, value) in pairs {
            let (key, value) = (key.as_ref(), value.as_ref().trim());
            match key {
                "q" => query.q = value.to_owned(),
                "category" if value.is_empty() => query.category = None,
                "category" => query.category = Some(value.to_owned()),
                "sort" if value.is_empty() => query.sort = SortOrder::default(),
                "sort" => {
                    query.sort = SortOrder::parse(value).ok_or_else(|| {
                        let allowed: Vec<_> = SortOrder::ALL.iter().map(|s| s.as_str()).collect();
                        QueryError::new(
                            "sort",
                            format!("'{value}' is not a sort order; use one of {}", allowed.join(", ")),
                        )
                    })?
                }
                "page" if value.is_empty() => query.page = 1,
                "page" => query.page = whole_number("page", value)?,
                "per_page" if value.is_empty() => query.per_page = DEFAULT_PER_PAGE,
                "per_page" => query.per_page = whole_number("per_page", value)?,
                other => {
                    return Err(QueryError::new(
                        other,
                        "is not a parameter of the product list; use q, category, sort, page or per_page",
                    ))
                }
            }
        }
        query.validate()?;
        Ok(query)
    }

    /// Checks the ranges and the category; every way in ends here.
    pub fn validate(&self) -> Result<(), QueryError> {
        if self.q.chars().count() > MAX_SEARCH_CHARS {
            return Err(QueryError::new(
                "q",
                format!("the search text is longer than {MAX_SEARCH_CHARS} characters"),
            ));
        }
        if let Some(category) = &self.category {
            if !CATEGORIES.contains(&category.as_str()) {
                return Err(QueryError::new(
                    "category",
                    format!(
                        "'{category}' is not a category; use one of {}",
                        CATEGORIES.join(", ")
                    ),
                ));
            }
        }
        if !(1..=MAX_PAGE).contains(&self.page) {
            return Err(QueryError::new(
                "page",
                format!("must be a whole number from 1 to {MAX_PAGE}"),
            ));
        }
        if !(1..=MAX_PER_PAGE).contains(&self.per_page) {
            return Err(QueryError::new(
                "per_page",
                format!("must be a whole number from 1 to {MAX_PER_PAGE}"),
            ));
        }
        Ok(())
    }

    /// The URL query for this query (without `?`), leaving out defaults, so the plain
    /// `/products` stays plain.
    pub fn to_query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        let q = self.q.trim();
        if !q.is_empty() {
            out.append_pair("q", q);
        }
        if let Some(category) = &self.category {
            out.append_pair("category", category);
        }
        if self.sort != SortOrder::default() {
            out.append_pair("sort", self.sort.as_str());
        }
        if self.page != 1 {
            out.append_pair("page", &self.page.to_string());
        }
        if self.per_page != DEFAULT_PER_PAGE {
            out.append_pair("per_page", &self.per_page.to_string());
        }
        out.finish()
    }

    /// `path` with this query appended, e.g. `/products?page=2`.
    pub fn href(&self, path: &str) -> String {
        match self.to_query_string() {
            query if query.is_empty() => path.to_owned(),
            query => format!("{path}?{query}"),
        }
    }

    /// The same query on another page.
    pub fn with_page(&self, page: u32) -> Self {
        Self {
            page,
            ..self.clone()
        }
    }

    /// Whether the shopper narrowed the list (so "no results" rather than "no products").
    pub fn is_narrowed(&self) -> bool {
        !self.q.trim().is_empty() || self.category.is_some()
    }

    /// Rows to skip before this page.
    pub fn offset(&self) -> u32 {
        (self.page.max(1) - 1) * self.per_page
    }
}

fn whole_number(parameter: &str, value: &str) -> Result<u32, QueryError> {
    value
        .parse::<u32>()
        .map_err(|_| QueryError::new(parameter, format!("'{value}' is not a whole number")))
}

impl fmt::Display for SortOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One page of results and where it sits in the whole.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductPage {
    pub items: Vec<super::Product>,
    /// How many products match, over all pages.
    pub total: u32,
    pub page: u32,
    pub per_page: u32,
}

impl ProductPage {
    /// How many pages the matches fill (at least 1, so "page 1 of 1" for no results).
    pub fn page_count(&self) -> u32 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> Result<ProductQuery, QueryError> {
        ProductQuery::from_pairs(form_urlencoded::parse(query.as_bytes()))
    }

    #[test]
    fn an_empty_query_is_the_first_page_of_everything() {
        assert_eq!(parse(""), Ok(ProductQuery::default()));
        assert_eq!(
            parse("q=&category=&sort=&page="),
            Ok(ProductQuery::default())
        );
    }

    #[test]
    fn a_full_query_round_trips_through_the_url() {
        let query = parse("q=wool+throw&category=Home&sort=price_desc&page=2&per_page=24").unwrap();
        assert_eq!(query.q, "wool throw");
        assert_eq!(query.category.as_deref(), Some("Home"));
        assert_eq!(query.sort, SortOrder::PriceDesc);
        assert_eq!((query.page, query.per_page), (2, 24));
        assert_eq!(parse(&query.to_query_string()), Ok(query.clone()));
        assert_eq!(ProductQuery::default().href("/products"), "/products");
    }

    #[test]
    fn each_bad_value_names_its_parameter() {
        let cases = [
            ("sort=cheapest", "sort"),
            ("page=0", "page"),
            ("page=-1", "page"),
            ("page=two", "page"),
            ("page=10001", "page"),
            ("per_page=0", "per_page"),
            ("per_page=101", "per_page"),
            ("category=Garden", "category"),
            ("colour=red", "colour"),
        ];
        for (query, parameter) in cases {
            let error = parse(query).expect_err(query);
            assert_eq!(error.parameter, parameter, "{query}: {error}");
        }
        let long = format!("q={}", "a".repeat(MAX_SEARCH_CHARS + 1));
        assert_eq!(parse(&long).unwrap_err().parameter, "q");
    }

    #[test]
    fn page_count_rounds_up_and_is_never_zero() {
        let page = |total| ProductPage {
            items: vec![],
            total,
            page: 1,
            per_page: 12,
        };
        assert_eq!(page(0).page_count(), 1);
        assert_eq!(page(12).page_count(), 1);
        assert_eq!(page(13).page_count(), 2);
        assert_eq!(page(60).page_count(), 5);
    }
}
