//! Life cycles of a procedure (service button) and of a submission.

use super::DomainError;
use serde::{Deserialize, Serialize};

/// Where a service stands: only `Online` services accept new submissions from anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureState {
    Draft,
    Online,
    /// Online but reachable only with its link (not listed); same rules otherwise.
    OnlineRestricted,
    Closed,
}

impl ProcedureState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Online => "online",
            Self::OnlineRestricted => "online_restricted",
            Self::Closed => "closed",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw {
            "draft" => Ok(Self::Draft),
            "online" => Ok(Self::Online),
            "online_restricted" => Ok(Self::OnlineRestricted),
            "closed" => Ok(Self::Closed),
            other => Err(DomainError::new(format!(
                "État de service inconnu : {other}"
            ))),
        }
    }

    /// French label shown to admins and citizens.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Draft => "Brouillon",
            Self::Online => "En ligne",
            Self::OnlineRestricted => "En ligne (accès par lien)",
            Self::Closed => "Fermé",
        }
    }

    pub fn accepts_submissions(self) -> bool {
        matches!(self, Self::Online | Self::OnlineRestricted)
    }
}

/// The inbox status of a submission, as agents see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    Unprocessed,
    Processed,
}

impl SubmissionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unprocessed => "unprocessed",
            Self::Processed => "processed",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw {
            "unprocessed" => Ok(Self::Unprocessed),
            "processed" => Ok(Self::Processed),
            other => Err(DomainError::new(format!("Statut inconnu : {other}"))),
        }
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Unprocessed => "À traiter",
            Self::Processed => "Traitée",
        }
    }

    /// The guarded transition: moving to the status it already has is refused, so a replayed
    /// click never writes a second history line.
    pub fn transition_to(self, target: Self) -> Result<Self, DomainError> {
        if self == target {
            return Err(DomainError::new(match target {
                Self::Processed => "Cette demande est déjà marquée comme traitée.",
                Self::Unprocessed => "Cette demande est déjà à traiter.",
            }));
        }
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_through_their_storage_names() {
        for s in [
            ProcedureState::Draft,
            ProcedureState::Online,
            ProcedureState::OnlineRestricted,
            ProcedureState::Closed,
        ] {
            assert_eq!(ProcedureState::parse(s.as_str()), Ok(s));
        }
        for s in [SubmissionStatus::Unprocessed, SubmissionStatus::Processed] {
            assert_eq!(SubmissionStatus::parse(s.as_str()), Ok(s));
        }
        assert!(SubmissionStatus::parse("accepted").is_err());
    }

    #[test]
    fn a_transition_to_the_same_status_is_refused() {
        let s = SubmissionStatus::Unprocessed;
        assert_eq!(
            s.transition_to(SubmissionStatus::Processed),
            Ok(SubmissionStatus::Processed)
        );
        assert!(
            SubmissionStatus::Processed
                .transition_to(SubmissionStatus::Processed)
                .is_err()
        );
        assert!(!ProcedureState::Closed.accepts_submissions());
        assert!(!ProcedureState::Draft.accepts_submissions());
    }
}
