//! OMM in XML (CCSDS 505.0-B, NDM/XML), in the layout CelesTrak serves:
//!
//! ```xml
//! <ndm xmlns:xsi="…" xsi:noNamespaceSchemaLocation="…">
//! <omm id="CCSDS_OMM_VERS" version="3.0">
//! <header><CREATION_DATE/><ORIGINATOR/></header><body><segment>
//!   <metadata><OBJECT_NAME>…</OBJECT_NAME><OBJECT_ID>…</OBJECT_ID><CENTER_NAME>…
//!   <data><meanElements><EPOCH>…</EPOCH><MEAN_MOTION>…</MEAN_MOTION>…</meanElements>
//!         <tleParameters><EPHEMERIS_TYPE>…</EPHEMERIS_TYPE>…</tleParameters></data>
//! </segment></body></omm>
//! <omm …>…</omm>
//! </ndm>
//! ```
//!
//! The root is `ndm` holding any number of `omm`, or a single `omm`. The
//! version is the `version` attribute of `omm`. Each `segment` of an `omm`
//! (normally one) is one element set; `COMMENT` elements may open the header,
//! metadata and data blocks. Errors name the element by its path, e.g.
//! `/ndm/omm[2]/body/segment/data/meanElements/INCLINATION`, and its line.
//! `covarianceMatrix` is read into the covariance block. Other blocks (`spacecraftParameters`,
//! `userDefinedParameters`) are ignored with a warning.
//!
//! The writer always writes the mandatory header and metadata elements
//! (CCSDS 502.0-B-3): absent `CREATION_DATE` is the current UTC time, absent
//! `ORIGINATOR` is `APOSOS`, absent metadata the defaults `EARTH`, `TEME`,
//! `UTC`, `SGP4` (see [`super`]), so strict readers such as Orekit accept it.

use super::{block_of, to_fields, Block, Ctx, RawField, RawObject, RawValue, Where};
use crate::detect::Format;
use crate::element_set::ElementSet;
use crate::error::{quote, ParseError, WriteError};
use crate::read::{ElementsRead, ReadOptions};
use quick_xml::events::Event;
use quick_xml::Reader;

/// Deepest element nesting accepted (an OMM needs 6).
const MAX_DEPTH: usize = 32;

/// One XML element, with its text and children.
#[derive(Debug, Default)]
pub(crate) struct Node {
    /// Local name.
    pub(crate) name: String,
    /// The `version` attribute, if any.
    pub(crate) version: Option<String>,
    /// Text content.
    pub(crate) text: String,
    /// Child elements in order.
    pub(crate) children: Vec<Node>,
    /// 1-based line of the start tag.
    pub(crate) line: usize,
}

/// Line number (1-based) of a byte offset.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        Self(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        )
    }

    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&nl| nl < offset) + 1
    }
}

/// Parses the document into a tree (iteratively; depth limited).
pub(crate) fn parse_tree(text: &str) -> Result<Node, ParseError> {
    let lines = Lines::new(text);
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let xml_err = |line: usize, msg: String| {
        ParseError::described("XML", "well-formed XML", msg).with_line(Some(line))
    };
    loop {
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|e| {
            let at = usize::try_from(reader.error_position()).unwrap_or(pos);
            xml_err(lines.line(at), e.to_string())
        })?;
        let line = lines.line(pos);
        match event {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(xml_err(
                        line,
                        format!("elements nested deeper than {MAX_DEPTH}"),
                    ));
                }
                stack.push(start_node(&e, line)?);
            }
            Event::Empty(e) => {
                let node = start_node(&e, line)?;
                attach(&mut stack, &mut root, node, line)?;
            }
            Event::End(_) => {
                let Some(node) = stack.pop() else {
                    return Err(xml_err(line, "an end tag without a start tag".into()));
                };
                attach(&mut stack, &mut root, node, line)?;
            }
            Event::Text(t) => {
                let s = t.unescape().map_err(|e| xml_err(line, e.to_string()))?;
                match stack.last_mut() {
                    Some(n) => n.text.push_str(&s),
                    None if s.trim().is_empty() => {}
                    None => {
                        return Err(xml_err(
                            line,
                            format!("text outside the root element: {}", quote(&s)),
                        ))
                    }
                }
            }
            Event::CData(c) => {
                let s = std::str::from_utf8(&c).map_err(|e| xml_err(line, e.to_string()))?;
                match stack.last_mut() {
                    Some(n) => n.text.push_str(s),
                    None => return Err(xml_err(line, "CDATA outside the root element".into())),
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(xml_err(
            lines.line(text.len()),
            format!("end of text inside <{}>", open.name),
        ));
    }
    root.ok_or_else(|| xml_err(1, "no root element".into()))
}

fn start_node(e: &quick_xml::events::BytesStart<'_>, line: usize) -> Result<Node, ParseError> {
    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
    let mut version = None;
    for attr in e.attributes() {
        let attr = attr.map_err(|err| {
            ParseError::described("XML", "well-formed attributes", err.to_string())
                .with_line(Some(line))
        })?;
        if attr.key.local_name().as_ref() == b"version" {
            let v = attr.unescape_value().map_err(|err| {
                ParseError::described("XML", "a well-formed attribute value", err.to_string())
                    .with_line(Some(line))
            })?;
            version = Some(v.trim().to_string());
        }
    }
    Ok(Node {
        name,
        version,
        line,
        ..Node::default()
    })
}

fn attach(
    stack: &mut [Node],
    root: &mut Option<Node>,
    node: Node,
    line: usize,
) -> Result<(), ParseError> {
    match stack.last_mut() {
        Some(parent) => {
            parent.children.push(node);
            Ok(())
        }
        None if root.is_none() => {
            *root = Some(node);
            Ok(())
        }
        None => {
            Err(
                ParseError::described("XML", "a single root element", format!("<{}>", node.name))
                    .with_line(Some(line)),
            )
        }
    }
}

/// Reads every element set of an XML text (`ndm` of `omm`s, or one `omm`).
pub fn read_omm_xml(source_name: &str, text: &str, opts: &ReadOptions) -> ElementsRead {
    let mut ctx = Ctx::new(source_name, opts, Format::OmmXml);
    let root = match parse_tree(text) {
        Ok(r) => r,
        Err(e) => {
            ctx.error(e);
            return ctx.out;
        }
    };
    match root.name.as_str() {
        "ndm" => {
            let mut k = 0;
            for child in &root.children {
                if child.name == "omm" {
                    k += 1;
                    read_omm(&mut ctx, child, &format!("/ndm/omm[{k}]"));
                } else {
                    ctx.unknown_key(
                        &child.name,
                        Some(child.line),
                        Some(format!("/ndm/{}", child.name)),
                    );
                }
            }
        }
        "omm" => read_omm(&mut ctx, &root, "/omm"),
        other => ctx.error(
            ParseError::new("root element", "<ndm> or <omm>", &format!("<{other}>"))
                .with_line(Some(root.line))
                .with_path(format!("/{other}")),
        ),
    }
    ctx.out
}

/// Reads the segments of one `omm` element.
fn read_omm(ctx: &mut Ctx<'_>, omm: &Node, path: &str) {
    let mut header_fields = Vec::new();
    let mut header_comments = Vec::new();
    if let Some(v) = &omm.version {
        header_fields.push(RawField {
            key: "CCSDS_OMM_VERS".into(),
            value: RawValue::Text(v.clone()),
            line: Some(omm.line),
            path: Some(format!("{path}/@version")),
        });
    }
    let child = |name: &str| omm.children.iter().find(|c| c.name == name);
    let missing = |what: &str, line: usize| {
        ParseError::described(what, format!("a <{what}> element"), "nothing")
            .with_line(Some(line))
            .with_path(format!("{path}/{what}"))
    };
    if let Some(header) = child("header") {
        if let Err(e) = collect(
            ctx,
            header,
            &format!("{path}/header"),
            Block::Header,
            &mut header_fields,
            &mut header_comments,
        ) {
            ctx.error(e);
            return;
        }
    }
    let Some(body) = child("body") else {
        ctx.error(missing("body", omm.line));
        return;
    };
    let segments: Vec<&Node> = body
        .children
        .iter()
        .filter(|c| c.name == "segment")
        .collect();
    if segments.is_empty() {
        ctx.error(
            ParseError::described("segment", "a <segment> element", "nothing")
                .with_line(Some(body.line))
                .with_path(format!("{path}/body/segment")),
        );
        return;
    }
    let many = segments.len() > 1;
    for (i, seg) in segments.iter().enumerate() {
        let seg_path = if many {
            format!("{path}/body/segment[{}]", i + 1)
        } else {
            format!("{path}/body/segment")
        };
        let mut obj = RawObject {
            fields: header_fields.clone(),
            comments: header_comments.clone(),
            place: Where::Xml {
                omm: path.to_string(),
                segment: seg_path.clone(),
                line: Some(seg.line),
            },
        };
        match read_segment(ctx, seg, &seg_path, &mut obj) {
            Ok(()) => ctx.object(&obj),
            Err(e) => ctx.error(e),
        }
    }
}

fn read_segment(
    ctx: &mut Ctx<'_>,
    seg: &Node,
    path: &str,
    obj: &mut RawObject,
) -> Result<(), ParseError> {
    for block in &seg.children {
        let block_path = format!("{path}/{}", block.name);
        match block.name.as_str() {
            "metadata" => collect(
                ctx,
                block,
                &block_path,
                Block::Metadata,
                &mut obj.fields,
                &mut obj.comments,
            )?,
            "data" => {
                for part in &block.children {
                    let part_path = format!("{block_path}/{}", part.name);
                    match part.name.as_str() {
                        "COMMENT" => obj.comments.push(leaf_text(part, &part_path)?),
                        "meanElements" => collect(
                            ctx,
                            part,
                            &part_path,
                            Block::MeanElements,
                            &mut obj.fields,
                            &mut obj.comments,
                        )?,
                        "tleParameters" => collect(
                            ctx,
                            part,
                            &part_path,
                            Block::TleParameters,
                            &mut obj.fields,
                            &mut obj.comments,
                        )?,
                        "covarianceMatrix" => collect(
                            ctx,
                            part,
                            &part_path,
                            Block::Covariance,
                            &mut obj.fields,
                            &mut obj.comments,
                        )?,
                        other => ctx.unknown_key(other, Some(part.line), Some(part_path)),
                    }
                }
            }
            other => ctx.unknown_key(other, Some(block.line), Some(block_path)),
        }
    }
    Ok(())
}

/// Collects the keyword elements of one block.
fn collect(
    ctx: &mut Ctx<'_>,
    block: &Node,
    path: &str,
    which: Block,
    fields: &mut Vec<RawField>,
    comments: &mut Vec<String>,
) -> Result<(), ParseError> {
    for el in &block.children {
        let el_path = format!("{path}/{}", el.name);
        if el.name == "COMMENT" {
            comments.push(leaf_text(el, &el_path)?);
            continue;
        }
        match block_of(&el.name) {
            Some(b) if b == which => {}
            Some(_) => {
                return Err(ParseError::new(
                    el.name.clone(),
                    format!("an element that belongs in <{}>", block.name),
                    "",
                )
                .with_line(Some(el.line))
                .with_path(el_path.clone())
                .found_as(format!("<{}> in <{}>", el.name, block.name)));
            }
            None => {
                ctx.unknown_key(&el.name, Some(el.line), Some(el_path));
                continue;
            }
        }
        let text = leaf_text(el, &el_path)?;
        fields.push(RawField {
            key: el.name.clone(),
            value: RawValue::Text(text),
            line: Some(el.line),
            path: Some(el_path),
        });
    }
    Ok(())
}

impl ParseError {
    fn found_as(mut self, found: String) -> Self {
        self.found = found;
        self
    }
}

/// Trimmed text of an element that must have no children.
fn leaf_text(el: &Node, path: &str) -> Result<String, ParseError> {
    if let Some(c) = el.children.first() {
        return Err(ParseError::described(
            el.name.clone(),
            "text only",
            format!("element <{}>", c.name),
        )
        .with_line(Some(c.line))
        .with_path(path.to_string()));
    }
    Ok(el.text.trim().to_string())
}

/// Writes element sets as one `ndm` document, one `omm` per element set (CelesTrak's layout).
pub fn write_omm_xml(elements: &[ElementSet]) -> Result<String, WriteError> {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ndm xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:noNamespaceSchemaLocation=\"https://sanaregistry.org/r/ndmxml_unqualified/ndmxml-2.0.0-master-2.0.xsd\">\n",
    );
    for es in elements {
        let fields = to_fields(es, true)?;
        let get = |block: Block| {
            fields
                .iter()
                .filter(move |(k, _)| block_of(k) == Some(block) && *k != "CCSDS_OMM_VERS")
        };
        let version = fields
            .iter()
            .find(|(k, _)| *k == "CCSDS_OMM_VERS")
            .map(|(_, v)| v.as_str())
            .unwrap_or(super::DEFAULT_OMM_VERSION);
        out.push_str(&format!(
            "<omm id=\"CCSDS_OMM_VERS\" version=\"{}\">\n<header>",
            escape(version)
        ));
        for c in &es.omm.comments {
            out.push_str(&format!("<COMMENT>{}</COMMENT>", escape(c)));
        }
        // CREATION_DATE and ORIGINATOR are always there (filled by `to_fields`).
        for (k, v) in get(Block::Header) {
            element(&mut out, k, v.as_str());
        }
        out.push_str("</header><body><segment><metadata>");
        for (k, v) in get(Block::Metadata) {
            element(&mut out, k, v.as_str());
        }
        out.push_str("</metadata><data><meanElements>");
        for (k, v) in get(Block::MeanElements) {
            element(&mut out, k, v.as_str());
        }
        out.push_str("</meanElements><tleParameters>");
        for (k, v) in get(Block::TleParameters) {
            element(&mut out, k, v.as_str());
        }
        out.push_str("</tleParameters>");
        if es.omm.covariance.is_some() {
            out.push_str("<covarianceMatrix>");
            for (k, v) in get(Block::Covariance) {
                element(&mut out, k, v.as_str());
            }
            out.push_str("</covarianceMatrix>");
        }
        out.push_str("</data></segment></body></omm>\n");
    }
    out.push_str("</ndm>\n");
    Ok(out)
}

fn element(out: &mut String, key: &str, value: &str) {
    if value.is_empty() {
        out.push_str(&format!("<{key}/>"));
    } else {
        out.push_str(&format!("<{key}>{}</{key}>", escape(value)));
    }
}

fn escape(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CELESTRAK: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ndm xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="https://sanaregistry.org/r/ndmxml_unqualified/ndmxml-2.0.0-master-2.0.xsd">
<omm id="CCSDS_OMM_VERS" version="2.0">
<header><CREATION_DATE/><ORIGINATOR/></header><body><segment><metadata><OBJECT_NAME>EUTELSAT 7A</OBJECT_NAME><OBJECT_ID>2004-008A</OBJECT_ID><CENTER_NAME>EARTH</CENTER_NAME><REF_FRAME>TEME</REF_FRAME><TIME_SYSTEM>UTC</TIME_SYSTEM><MEAN_ELEMENT_THEORY>SGP4</MEAN_ELEMENT_THEORY></metadata><data><meanElements><EPOCH>2025-07-15T12:00:38.570688</EPOCH><MEAN_MOTION>1.00271312</MEAN_MOTION><ECCENTRICITY>.0001536</ECCENTRICITY><INCLINATION>4.9705</INCLINATION><RA_OF_ASC_NODE>76.0564</RA_OF_ASC_NODE><ARG_OF_PERICENTER>60.0007</ARG_OF_PERICENTER><MEAN_ANOMALY>198.4700</MEAN_ANOMALY></meanElements><tleParameters><EPHEMERIS_TYPE>0</EPHEMERIS_TYPE><CLASSIFICATION_TYPE>U</CLASSIFICATION_TYPE><NORAD_CAT_ID>28187</NORAD_CAT_ID><ELEMENT_SET_NO>999</ELEMENT_SET_NO><REV_AT_EPOCH>7797</REV_AT_EPOCH><BSTAR>0</BSTAR><MEAN_MOTION_DOT>.109E-5</MEAN_MOTION_DOT><MEAN_MOTION_DDOT>0</MEAN_MOTION_DDOT></tleParameters></data></segment></body></omm>
<omm id="CCSDS_OMM_VERS" version="2.0">
<header><CREATION_DATE/><ORIGINATOR/></header><body><segment><metadata><OBJECT_NAME>EUTELSAT 174A</OBJECT_NAME><OBJECT_ID>2005-052A</OBJECT_ID><CENTER_NAME>EARTH</CENTER_NAME><REF_FRAME>TEME</REF_FRAME><TIME_SYSTEM>UTC</TIME_SYSTEM><MEAN_ELEMENT_THEORY>SGP4</MEAN_ELEMENT_THEORY></metadata><data><meanElements><EPOCH>2025-07-15T13:08:38.599008</EPOCH><MEAN_MOTION>1.00270916</MEAN_MOTION><ECCENTRICITY>.0006148</ECCENTRICITY><INCLINATION>3x.3623</INCLINATION><RA_OF_ASC_NODE>80.7516</RA_OF_ASC_NODE><ARG_OF_PERICENTER>35.9746</ARG_OF_PERICENTER><MEAN_ANOMALY>188.0292</MEAN_ANOMALY></meanElements><tleParameters><EPHEMERIS_TYPE>0</EPHEMERIS_TYPE><CLASSIFICATION_TYPE>U</CLASSIFICATION_TYPE><NORAD_CAT_ID>28924</NORAD_CAT_ID><ELEMENT_SET_NO>999</ELEMENT_SET_NO><REV_AT_EPOCH>4895</REV_AT_EPOCH><BSTAR>0</BSTAR><MEAN_MOTION_DOT>.15E-6</MEAN_MOTION_DOT><MEAN_MOTION_DDOT>0</MEAN_MOTION_DDOT></tleParameters></data></segment></body></omm>
</ndm>
"#;

    #[test]
    fn reads_celestrak_xml_with_one_bad_object() {
        let r = read_omm_xml("gp.xml", CELESTRAK, &ReadOptions::default());
        assert_eq!(r.elements.len(), 1, "{:?}", r.errors);
        assert_eq!(r.errors.len(), 1);
        assert_eq!(
            r.errors[0].to_string(),
            "gp.xml:6: /ndm/omm[2]/body/segment/data/meanElements/INCLINATION: field INCLINATION: expected a number 0 to 180, found \"3x.3623\""
        );
        let es = &r.elements[0];
        assert_eq!(es.omm.ccsds_omm_vers.as_deref(), Some("2.0"));
        assert_eq!(es.omm.creation_date, None);
        assert_eq!(es.mean_motion_dot_rev_per_day2, 0.109e-5);
        assert_eq!(es.eccentricity, 0.0001536);
    }

    #[test]
    fn write_read_keeps_values() {
        let r = read_omm_xml("gp.xml", CELESTRAK, &ReadOptions::default());
        let text = write_omm_xml(&r.elements).unwrap_or_default();
        let back = read_omm_xml("w.xml", &text, &ReadOptions::default());
        assert!(back.errors.is_empty(), "{:?}", back.errors);
        // CelesTrak's empty CREATION_DATE/ORIGINATOR are filled (mandatory in CCSDS);
        // everything else comes back as read, explicit defaults included.
        let mut expected = r.elements.clone();
        for (e, b) in expected.iter_mut().zip(&back.elements) {
            assert_eq!(e.omm.center_name.as_deref(), Some("EARTH"));
            assert_eq!(b.omm.originator.as_deref(), Some("APOSOS"));
            assert!(b.omm.creation_date.is_some());
            e.omm.originator = b.omm.originator.clone();
            e.omm.creation_date = b.omm.creation_date.clone();
        }
        assert_eq!(back.elements, expected);
    }

    /// Strict CCSDS readers (Orekit) need a non-empty CREATION_DATE and ORIGINATOR.
    #[test]
    fn writes_mandatory_header_when_unknown() {
        let r = read_omm_xml("gp.xml", CELESTRAK, &ReadOptions::default());
        let before = crate::Epoch::now_utc_micros();
        let text = write_omm_xml(&r.elements).unwrap_or_default();
        let after = crate::Epoch::now_utc_micros();
        assert!(!text.contains("<CREATION_DATE/>"), "{text}");
        assert!(!text.contains("<ORIGINATOR/>"), "{text}");
        assert!(text.contains("<ORIGINATOR>APOSOS</ORIGINATOR>"), "{text}");
        let created = text
            .split("<CREATION_DATE>")
            .nth(1)
            .and_then(|s| s.split("</CREATION_DATE>").next())
            .unwrap_or_default();
        assert_eq!(created.len(), 26, "{created}");
        let t = crate::Epoch::parse_iso(created).unwrap_or_else(|e| panic!("{e}"));
        assert!(before <= t && t <= after, "{created}");
        // Header order of the schema: CREATION_DATE before ORIGINATOR.
        assert!(text.contains("</CREATION_DATE><ORIGINATOR>"), "{text}");
    }

    #[test]
    fn malformed_and_deep_xml_are_errors() {
        for bad in [
            "<ndm><omm></ndm>",
            "<ndm>",
            "",
            "text",
            "<a/><b/>",
            &"<a>".repeat(10_000),
        ] {
            let r = read_omm_xml("x.xml", bad, &ReadOptions::default());
            assert!(r.elements.is_empty());
            assert_eq!(r.errors.len(), 1, "{bad:.40}: {:?}", r.errors);
        }
    }
}
