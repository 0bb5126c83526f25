//! Exports of the inbox's current selection: CSV (UTF-8 with BOM; `;` for French spreadsheets),
//! XLSX and ODS.
//!
//! * **Constant memory**: rows are read by keyset pages of 500; CSV is streamed to the client as
//!   it is produced; XLSX (rust_xlsxwriter's constant-memory mode) and ODS (content.xml streamed
//!   into a deflated zip) are written to a temporary file, then streamed.
//! * **Formula injection** (OWASP, ASVS 1.2.10): any cell starting with `=`, `+`, `-`, `@`, tab or
//!   carriage return is prefixed with `'`, in every format, so a citizen's answer can never become
//!   a formula in the agent's spreadsheet.
//! * **Columns**: fixed columns, then each identity claim asked by the services in scope, then
//!   one column per field (by stable id) across all revisions, headed by its latest label; a
//!   submission made under a revision without that field leaves the cell empty.

use super::{service::selection, types::InboxQuery};
use crate::{
    auth::CurrentAdmin,
    db::entities::{field_value, procedure, procedure_revision, submission},
    domain::{CertifiedIdentity, FieldDefinition, IdentityClaim, SubmissionStatus},
    error::{AppError, AppResult},
    procedures::service::{claims_of, revision_fields},
    state::AppState,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::{
    collections::{BTreeMap, HashMap},
    io::Write,
};
use uuid::Uuid;

const PAGE: u64 = 500;
/// A spreadsheet holds 1,048,576 rows; larger selections must be narrowed.
pub const MAX_ROWS: u64 = 1_000_000;

/// Neutralises a cell that a spreadsheet would read as a formula.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// Which fields and claims the selection has, and how to label them.
struct Layout {
    titles: HashMap<Uuid, String>,
    revision_numbers: HashMap<Uuid, i32>,
    claims: Vec<IdentityClaim>,
    fields: Vec<FieldDefinition>,
}

/// A running export: headers, then pages of rows.
pub struct Export {
    pub headers: Vec<String>,
    layout: Layout,
    state: AppState,
    admin: CurrentAdmin,
    query: InboxQuery,
    cursor: Option<Uuid>,
    done: bool,
}

impl Export {
    /// Prepares the export of `query` (its status, service, search and dates; not its cursor).
    pub async fn start(
        state: &AppState,
        admin: &CurrentAdmin,
        query: InboxQuery,
    ) -> AppResult<Self> {
        let count = Self::scoped(state, admin, &query).count_rows(state).await?;
        if count > MAX_ROWS {
            return Err(AppError::Validation(format!(
                "Cette sélection compte {count} demandes : un tableur en accepte au plus {MAX_ROWS}. Réduisez-la (service, dates)."
            )));
        }
        let procedures = procedure::Entity::find()
            .filter(procedure::Column::MunicipalityId.eq(admin.municipality_id))
            .filter(match query.service {
                Some(id) => procedure::Column::Id.eq(id),
                None => procedure::Column::Id.is_not_null(),
            })
            .order_by_asc(procedure::Column::Title)
            .all(&state.db)
            .await?;
        let titles: HashMap<Uuid, String> =
            procedures.iter().map(|p| (p.id, p.title.clone())).collect();
        let several = procedures.len() > 1;
        let mut claims = Vec::new();
        let mut fields: Vec<FieldDefinition> = Vec::new();
        let mut revision_numbers = HashMap::new();
        let mut field_service: HashMap<Uuid, String> = HashMap::new();
        for p in &procedures {
            let revisions = procedure_revision::Entity::find()
                .filter(procedure_revision::Column::ProcedureId.eq(p.id))
                .order_by_asc(procedure_revision::Column::Number)
                .all(&state.db)
                .await?;
            for r in revisions {
                revision_numbers.insert(r.id, r.number);
                for c in claims_of(&r.identity_claims) {
                    if !claims.contains(&c) {
                        claims.push(c);
                    }
                }
                // Headings and explanations have no answer: no column.
                for f in revision_fields(&state.db, r.id)
                    .await?
                    .into_iter()
                    .filter(|f| f.kind.takes_answer())
                {
                    field_service.insert(f.stable_id, p.title.clone());
                    match fields.iter_mut().find(|e| e.stable_id == f.stable_id) {
                        // The latest revision's label wins; the column keeps its place.
                        Some(existing) => *existing = f,
                        None => fields.push(f),
                    }
                }
            }
        }
        claims.sort_by_key(|c| IdentityClaim::ALL.iter().position(|a| a == c));
        let mut headers: Vec<String> = [
            "Référence",
            "Service",
            "Version du formulaire",
            "Reçue le (UTC)",
            "Statut",
            "Traitée le (UTC)",
            "Identité fournie par",
            "Niveau de garantie",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        headers.extend(claims.iter().map(|c| c.label_fr().to_owned()));
        headers.extend(
            fields
                .iter()
                .map(|f| match (several, field_service.get(&f.stable_id)) {
                    (true, Some(service)) => format!("{service} – {}", f.label),
                    _ => f.label.clone(),
                }),
        );
        Ok(Self {
            headers: headers.iter().map(|h| neutralise(h)).collect(),
            layout: Layout {
                titles,
                revision_numbers,
                claims,
                fields,
            },
            state: state.clone(),
            admin: admin.clone(),
            query,
            cursor: None,
            done: false,
        })
    }

    fn scoped(state: &AppState, admin: &CurrentAdmin, query: &InboxQuery) -> Scoped {
        let mut select = selection(
            state.db.get_database_backend(),
            admin,
            query,
            super::service::SearchPlan::ByPrefixIndex,
        );
        if let Some(status) = query.status {
            select = select.filter(submission::Column::Status.eq(status.as_str()));
        }
        Scoped(select)
    }

    /// The next page of rows, oldest first; `None` at the end.
    pub async fn next_page(&mut self) -> AppResult<Option<Vec<Vec<String>>>> {
        if self.done {
            return Ok(None);
        }
        let mut select = Self::scoped(&self.state, &self.admin, &self.query).0;
        if let Some(c) = self.cursor {
            select = select.filter(submission::Column::Id.gt(c));
        }
        let rows = select
            .order_by_asc(submission::Column::Id)
            .limit(PAGE)
            .all(&self.state.db)
            .await?;
        if (rows.len() as u64) < PAGE {
            self.done = true;
        }
        let Some(last) = rows.last() else {
            return Ok(None);
        };
        self.cursor = Some(last.id);
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut values: HashMap<Uuid, BTreeMap<Uuid, serde_json::Value>> = HashMap::new();
        for v in field_value::Entity::find()
            .filter(field_value::Column::SubmissionId.is_in(ids))
            .all(&self.state.db)
            .await?
        {
            values
                .entry(v.submission_id)
                .or_default()
                .insert(v.field_stable_id, v.value);
        }
        let layout = &self.layout;
        let page = rows
            .into_iter()
            .map(|s| {
                let identity: CertifiedIdentity =
                    serde_json::from_value(s.identity.clone()).unwrap_or_default();
                let answers = values.get(&s.id);
                let mut cells = vec![
                    s.reference.clone(),
                    layout
                        .titles
                        .get(&s.procedure_id)
                        .cloned()
                        .unwrap_or_default(),
                    layout
                        .revision_numbers
                        .get(&s.revision_id)
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    s.created_at.format("%Y-%m-%d %H:%M").to_string(),
                    SubmissionStatus::parse(&s.status)
                        .map(|st| st.label_fr().to_owned())
                        .unwrap_or_default(),
                    s.processed_at
                        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default(),
                    s.identity_provider.clone(),
                    s.identity_acr.clone(),
                ];
                cells.extend(layout.claims.iter().map(|c| {
                    if identity.get(*c).is_some() {
                        identity.display(*c)
                    } else {
                        String::new()
                    }
                }));
                cells.extend(layout.fields.iter().map(|f| {
                    answers
                        .and_then(|a| a.get(&f.stable_id))
                        .map(|v| f.display_answer(Some(v)))
                        .unwrap_or_default()
                }));
                cells.iter().map(|c| neutralise(c)).collect()
            })
            .collect();
        Ok(Some(page))
    }
}

struct Scoped(sea_orm::Select<submission::Entity>);

impl Scoped {
    async fn count_rows(self, state: &AppState) -> AppResult<u64> {
        use sea_orm::PaginatorTrait;
        Ok(self.0.count(&state.db).await?)
    }
}

/// One CSV line, every cell quoted.
pub fn csv_line(cells: &[String], separator: char) -> String {
    let mut line = String::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            line.push(separator);
        }
        line.push('"');
        line.push_str(&cell.replace('"', "\"\""));
        line.push('"');
    }
    line.push_str("\r\n");
    line
}

/// Writes the whole export as XLSX into `file` (constant memory).
pub async fn write_xlsx(mut export: Export, file: std::path::PathBuf) -> AppResult<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(xlsx_error)?;
    sheet.set_name("Demandes").map_err(xlsx_error)?;
    for (col, header) in export.headers.iter().enumerate() {
        let col = u16::try_from(col).map_err(|_| too_wide())?;
        sheet
            .write_string_with_format(0, col, header, &bold)
            .map_err(xlsx_error)?;
    }
    let mut row: u32 = 1;
    while let Some(page) = export.next_page().await? {
        for cells in page {
            for (col, cell) in cells.iter().enumerate() {
                let col = u16::try_from(col).map_err(|_| too_wide())?;
                sheet.write_string(row, col, cell).map_err(xlsx_error)?;
            }
            row = row.saturating_add(1);
        }
    }
    tokio::task::spawn_blocking(move || workbook.save(&file))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(xlsx_error)
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    tracing::error!(error = %e, "xlsx export");
    AppError::Internal
}

fn too_wide() -> AppError {
    AppError::Validation("Trop de colonnes pour un tableur.".to_owned())
}

fn xml_escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 forbids are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn ods_row(cells: &[String]) -> String {
    let mut xml = String::from("<table:table-row>");
    for cell in cells {
        xml.push_str("<table:table-cell office:value-type=\"string\"><text:p>");
        xml.push_str(&xml_escape(cell));
        xml.push_str("</text:p></table:table-cell>");
    }
    xml.push_str("</table:table-row>");
    xml
}

/// Writes the whole export as ODS into `file`: content.xml is deflated as rows arrive.
pub async fn write_ods(mut export: Export, file: std::path::PathBuf) -> AppResult<()> {
    use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};
    let io = |e: std::io::Error| {
        tracing::error!(error = %e, "ods export");
        AppError::Internal
    };
    let zip_error = |e: zip::result::ZipError| {
        tracing::error!(error = %e, "ods export");
        AppError::Internal
    };
    let out = std::fs::File::create(&file).map_err(io)?;
    let mut zip = ZipWriter::new(out);
    // The mimetype entry comes first, uncompressed (OpenDocument packaging rule).
    zip.start_file(
        "mimetype",
        SimpleFileOptions::default().compression_method(CompressionMethod::Stored),
    )
    .map_err(zip_error)?;
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .map_err(io)?;
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file("META-INF/manifest.xml", deflated)
        .map_err(zip_error)?;
    zip.write_all(
        br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"#,
    )
    .map_err(io)?;
    zip.start_file("content.xml", deflated).map_err(zip_error)?;
    zip.write_all(
        br#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Demandes">"#,
    )
    .map_err(io)?;
    zip.write_all(ods_row(&export.headers).as_bytes())
        .map_err(io)?;
    while let Some(page) = export.next_page().await? {
        for cells in page {
            zip.write_all(ods_row(&cells).as_bytes()).map_err(io)?;
        }
    }
    zip.write_all(b"</table:table></office:spreadsheet></office:body></office:document-content>")
        .map_err(io)?;
    zip.finish().map_err(zip_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_other_text_is_kept() {
        for evil in ["=1+1", "+33612345678", "-2+3", "@SUM(A1)", "\t=1", "\r=1"] {
            assert!(neutralise(evil).starts_with('\''), "{evil:?}");
        }
        for fine in ["Dubois", "1+1", "'déjà", ""] {
            assert_eq!(neutralise(fine), fine);
        }
    }

    #[test]
    fn csv_quotes_every_cell() {
        assert_eq!(
            csv_line(&["a\"b".to_owned(), "c;d".to_owned()], ';'),
            "\"a\"\"b\";\"c;d\"\r\n"
        );
    }

    #[test]
    fn ods_cells_are_escaped() {
        let xml = ods_row(&["<b>&\u{1}".to_owned()]);
        assert!(xml.contains("&lt;b&gt;&amp;</text:p>"), "{xml}");
    }
}
