//! The municipality's logo: what an upload must be, and how it is stored and served.
//!
//! An uploaded file is never served as sent. It is decoded (PNG or JPEG only, within bounds that
//! stop a decompression bomb before memory is allocated), scaled down to what a page header needs,
//! and encoded again as PNG. So metadata (EXIF with a GPS position, comments) is dropped, a file
//! that only claims to be an image is refused, and no SVG — which can carry script — is ever
//! accepted. The page asks for `/logo/{town}/{version}.png`, where the version is a digest of the
//! stored image: the address changes with the image, so it can be cached for a year.

use crate::db::entities::{municipality, municipality_logo};
use crate::error::{AppError, AppResult};
use chrono::Utc;
use image::{ImageFormat, ImageReader, Limits};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use std::io::Cursor;
use uuid::Uuid;

/// Largest file accepted, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 2 * 1024 * 1024;
/// Largest picture accepted before scaling, in pixels per side.
const MAX_SOURCE_SIDE: u32 = 6_000;
/// The stored logo fits in this box (twice the header's CSS size, for sharp high-density screens).
const MAX_WIDTH: u32 = 480;
const MAX_HEIGHT: u32 = 160;
/// Longest text alternative.
pub const MAX_ALT_CHARS: usize = 150;

/// A logo ready to store: PNG bytes and their size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Why an upload was refused (the message is for the agent who sent it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LogoError(pub String);

fn refuse(message: &str) -> LogoError {
    LogoError(message.to_owned())
}

impl Logo {
    /// Decodes an uploaded file, checks it, and re-encodes it as a bounded PNG.
    pub fn from_upload(bytes: &[u8]) -> Result<Self, LogoError> {
        if bytes.is_empty() {
            return Err(refuse("Choisissez un fichier image (PNG ou JPEG)."));
        }
        if bytes.len() > MAX_UPLOAD_BYTES {
            return Err(refuse(
                "Le fichier dépasse 2 Mo : enregistrez une image plus légère.",
            ));
        }
        let reader = ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|_| refuse("Ce fichier n'est pas une image lisible."))?;
        if !matches!(reader.format(), Some(ImageFormat::Png | ImageFormat::Jpeg)) {
            return Err(refuse(
                "Seules les images PNG et JPEG sont acceptées (pas de SVG, de PDF ni de document).",
            ));
        }
        let mut limits = Limits::default();
        limits.max_image_width = Some(MAX_SOURCE_SIDE);
        limits.max_image_height = Some(MAX_SOURCE_SIDE);
        limits.max_alloc = Some(256 * 1024 * 1024);
        let mut reader = reader;
        reader.limits(limits);
        let decoded = reader.decode().map_err(|e| match e {
            image::ImageError::Limits(_) => refuse(&format!(
                "L'image est trop grande (au plus {MAX_SOURCE_SIDE} pixels de côté)."
            )),
            _ => refuse("Cette image est endommagée ou incomplète : enregistrez-la à nouveau."),
        })?;
        if decoded.width() < 16 || decoded.height() < 16 {
            return Err(refuse(
                "L'image est trop petite (au moins 16 pixels de côté).",
            ));
        }
        let scaled = if decoded.width() > MAX_WIDTH || decoded.height() > MAX_HEIGHT {
            decoded.resize(MAX_WIDTH, MAX_HEIGHT, image::imageops::FilterType::Lanczos3)
        } else {
            decoded
        };
        let mut png = Vec::new();
        scaled
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .map_err(|_| refuse("Cette image n'a pas pu être convertie."))?;
        Ok(Self {
            png,
            width: scaled.width(),
            height: scaled.height(),
        })
    }

    /// The version in the logo's address: a digest of the stored bytes.
    pub fn version(&self) -> String {
        let digest = Sha256::digest(&self.png);
        hex::encode(digest.get(..8).unwrap_or_default())
    }
}

/// The logo's text alternative: one line, bounded. Empty means decorative — right when the logo
/// only repeats the town's name, which the page header writes beside it.
pub fn parse_alt(raw: &str) -> Result<Option<String>, LogoError> {
    let alt = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if alt.chars().count() > MAX_ALT_CHARS {
        return Err(LogoError(format!(
            "Le texte de remplacement est trop long (au plus {MAX_ALT_CHARS} caractères)."
        )));
    }
    Ok((!alt.is_empty()).then_some(alt))
}

/// Stores the logo and its text alternative for `municipality_id`, in one transaction.
pub async fn save<C: ConnectionTrait>(
    db: &C,
    municipality_id: Uuid,
    logo: &Logo,
    alt: Option<String>,
) -> AppResult<()> {
    let row = municipality_logo::ActiveModel {
        municipality_id: Set(municipality_id),
        content_type: Set("image/png".to_owned()),
        bytes: Set(logo.png.clone()),
        width: Set(i32::try_from(logo.width).map_err(|_| AppError::Internal)?),
        height: Set(i32::try_from(logo.height).map_err(|_| AppError::Internal)?),
        updated_at: Set(Utc::now()),
    };
    municipality_logo::Entity::insert(row)
        .on_conflict(
            OnConflict::column(municipality_logo::Column::MunicipalityId)
                .update_columns([
                    municipality_logo::Column::ContentType,
                    municipality_logo::Column::Bytes,
                    municipality_logo::Column::Width,
                    municipality_logo::Column::Height,
                    municipality_logo::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    municipality::Entity::update_many()
        .col_expr(
            municipality::Column::LogoVersion,
            Expr::value(Some(logo.version())),
        )
        .col_expr(municipality::Column::LogoAlt, Expr::value(alt))
        .filter(municipality::Column::Id.eq(municipality_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Changes only the text alternative of the current logo.
pub async fn save_alt<C: ConnectionTrait>(
    db: &C,
    municipality_id: Uuid,
    alt: Option<String>,
) -> AppResult<()> {
    municipality::Entity::update_many()
        .col_expr(municipality::Column::LogoAlt, Expr::value(alt))
        .filter(municipality::Column::Id.eq(municipality_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Removes the logo.
pub async fn remove<C: ConnectionTrait>(db: &C, municipality_id: Uuid) -> AppResult<()> {
    municipality_logo::Entity::delete_by_id(municipality_id)
        .exec(db)
        .await?;
    municipality::Entity::update_many()
        .col_expr(
            municipality::Column::LogoVersion,
            Expr::value(None::<String>),
        )
        .col_expr(municipality::Column::LogoAlt, Expr::value(None::<String>))
        .filter(municipality::Column::Id.eq(municipality_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The stored image of town `slug`, if `version` is the current one (an old address is a 404,
/// never a different picture under a cached name).
pub async fn load<C: ConnectionTrait>(
    db: &C,
    slug: &str,
    version: &str,
) -> AppResult<municipality_logo::Model> {
    let town = municipality::Entity::find()
        .filter(municipality::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if town.logo_version.as_deref() != Some(version) {
        return Err(AppError::NotFound);
    }
    municipality_logo::Entity::find_by_id(town.id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Where a page finds the logo of `town`, if it has one.
pub fn address(town: &municipality::Model) -> Option<String> {
    town.logo_version
        .as_deref()
        .map(|v| format!("/logo/{}/{v}.png", town.slug))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 30]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .expect("png");
        out
    }

    #[test]
    fn a_large_logo_is_scaled_into_the_header_box_and_re_encoded() {
        let logo = Logo::from_upload(&png(1200, 400)).expect("accepted");
        assert_eq!((logo.width, logo.height), (480, 160));
        assert_eq!(
            image::guess_format(&logo.png).expect("format"),
            ImageFormat::Png
        );
        assert_eq!(logo.version().len(), 16);
    }

    #[test]
    fn a_small_logo_keeps_its_size() {
        let logo = Logo::from_upload(&png(120, 60)).expect("accepted");
        assert_eq!((logo.width, logo.height), (120, 60));
    }

    #[test]
    fn what_is_not_a_png_or_jpeg_is_refused_with_a_reason() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        assert!(
            Logo::from_upload(svg)
                .unwrap_err()
                .0
                .contains("PNG et JPEG")
        );
        assert!(Logo::from_upload(b"").unwrap_err().0.contains("Choisissez"));
        let mut truncated = png(200, 100);
        truncated.truncate(60);
        assert!(Logo::from_upload(&truncated).is_err());
        assert!(
            Logo::from_upload(&png(8, 8))
                .unwrap_err()
                .0
                .contains("petite")
        );
        let huge = vec![0u8; MAX_UPLOAD_BYTES + 1];
        assert!(Logo::from_upload(&huge).unwrap_err().0.contains("2 Mo"));
    }

    #[test]
    fn a_picture_declaring_huge_dimensions_is_refused_before_decoding() {
        // A valid PNG header claiming 100000 × 100000 pixels (a decompression bomb's shape).
        let mut bomb = png(20, 20);
        let ihdr = 16; // width then height, big-endian, after the signature and chunk header
        bomb.splice(ihdr..ihdr + 8, [0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0]);
        let error = Logo::from_upload(&bomb).unwrap_err();
        assert!(
            error.0.contains("trop grande") || error.0.contains("endommagée"),
            "{error}"
        );
    }

    #[test]
    fn the_alternative_is_one_bounded_line_and_empty_means_decorative() {
        assert_eq!(parse_alt("  ").expect("ok"), None);
        assert_eq!(
            parse_alt("Blason de\nSaint-Martin").expect("ok").as_deref(),
            Some("Blason de Saint-Martin")
        );
        assert!(parse_alt(&"a".repeat(MAX_ALT_CHARS + 1)).is_err());
    }
}
