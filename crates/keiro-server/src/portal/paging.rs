//! Paged lists in the portal: the cursor a page was asked for (ignored unless it is an id) and
//! the link to the next page, keeping the search.

/// The cursor of `?cursor=`, if it is one (an id); anything else starts from the first page.
pub fn valid_cursor(c: Option<&str>) -> Option<&str> {
    c.filter(|c| uuid::Uuid::parse_str(c).is_ok())
}

/// The link to the next page of `base` searched for `q`, if there is one.
pub fn next_link(base: &str, q: &str, cursor: Option<String>) -> Option<String> {
    cursor.map(|c| {
        let qs = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", q)
            .append_pair("cursor", &c)
            .finish();
        format!("{base}?{qs}")
    })
}

/// `?q=…&cursor=…&done=…`: a searched, paged list and the notice of the change that led to it.
#[derive(serde::Deserialize)]
pub struct SearchQuery {
    pub q: Option<String>,
    pub cursor: Option<String>,
    pub done: Option<String>,
}
