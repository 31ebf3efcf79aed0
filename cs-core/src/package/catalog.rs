//! The built-in packages. The module docs of [`crate::package`] list every value with its
//! source; the `source` field of each entitlement carries the same reference.

use super::{Activity, Cadence, Channel, Entitlement, SuccessPackage, TouchModel};
use crate::{Error, Result};

/// Names of the built-in packages, in catalog order.
pub const BUILTIN_PACKAGES: [&str; 5] = [
    "commerce",
    "enterprise",
    "community_segment",
    "enterprise_segment",
    "strategic_segment",
];

// The documents as the `source` fields name them (file names in the project's collection of
// sources); docs/domain-sources.md names each by its title and states the facts taken from it.
const HANDBOOK: &str = "000_6680eeaffff6ac1a.txt";
const SEGMENTS: &str = "003_602ae97142dcc175.txt";
const FRAMEWORK: &str = "004_dba25813dee18999.txt";

/// Every built-in package, in catalog order.
pub fn catalog() -> Vec<SuccessPackage> {
    vec![
        commerce(),
        enterprise(),
        community_segment(),
        enterprise_segment(),
        strategic_segment(),
    ]
}

/// The built-in package called `name` (case-insensitive; `community` and `strategic` are
/// accepted for the segment packages).
pub fn builtin(name: &str) -> Result<SuccessPackage> {
    let key = name.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    match key.as_str() {
        "commerce" => Ok(commerce()),
        "enterprise" => Ok(enterprise()),
        "community_segment" | "community" => Ok(community_segment()),
        "enterprise_segment" => Ok(enterprise_segment()),
        "strategic_segment" | "strategic" => Ok(strategic_segment()),
        _ => Err(Error::unknown("success package", name, BUILTIN_PACKAGES)),
    }
}

/// Finds a package by name among `custom` (first, case-insensitive) and then the built-ins.
pub fn resolve(name: &str, custom: &[SuccessPackage]) -> Result<SuccessPackage> {
    if let Some(p) = custom.iter().find(|p| p.name.eq_ignore_ascii_case(name.trim())) {
        return Ok(p.clone());
    }
    builtin(name).map_err(|_| {
        let known = custom.iter().map(|p| p.name.as_str()).chain(BUILTIN_PACKAGES);
        Error::unknown("success package", name, known)
    })
}

fn at_start(offset_days: u32) -> Cadence {
    Cadence::AtStart { offset_days }
}

fn every_months(months: u32) -> Cadence {
    Cadence::EveryMonths {
        months,
        offset_months: None,
    }
}

fn before_anniversary(months: u32) -> Cadence {
    Cadence::BeforeAnniversary { months, days: 0 }
}

fn item(activity: Activity, cadence: Cadence, channel: Channel, source: String) -> Entitlement {
    Entitlement::new(activity, cadence, channel).sourced(source)
}

fn package(
    name: &str,
    touch: TouchModel,
    description: &str,
    source: String,
    entitlements: Vec<Entitlement>,
) -> SuccessPackage {
    let mut p = SuccessPackage::new(name, touch, entitlements);
    p.description = Some(description.to_owned());
    p.source = Some(source);
    p
}

/// The lines shared by both handbook packages: feedback monitoring, the internal renewal
/// review 3 months before the anniversary and the annual NPS survey ahead of it.
fn handbook_common() -> Vec<Entitlement> {
    vec![
        item(
            Activity::FeedbackMonitoring,
            every_months(1),
            Channel::Internal,
            format!("{HANDBOOK} 2.1 (monitor support and NPS feedback); monthly is cs-core's choice"),
        ),
        item(
            Activity::InternalRenewalReview,
            before_anniversary(3),
            Channel::Internal,
            format!("{HANDBOOK} 2.2 (internal review 3 months before the anniversary)"),
        ),
        item(
            Activity::NpsSurvey,
            before_anniversary(2),
            Channel::Email,
            format!(
                "{HANDBOOK} 2.2, 3.5 (annual survey after the renewal review); 2 months is cs-core's choice"
            ),
        ),
    ]
}

fn commerce() -> SuccessPackage {
    let mut e = vec![
        item(
            Activity::CsmIntroduction,
            at_start(0),
            Channel::VirtualMeeting,
            format!("{HANDBOOK} 2.1 (named CSM introduced, activities explained)"),
        ),
        item(
            Activity::Kickoff,
            at_start(14),
            Channel::VirtualMeeting,
            format!("{HANDBOOK} 2.1, 3.1 (virtual engagement); day 14 is cs-core's choice"),
        ),
        item(
            Activity::SuccessPlan,
            at_start(30),
            Channel::Digital,
            format!("{HANDBOOK} 3.2 (plan shared after the kickoff); day 30 is cs-core's choice"),
        ),
        item(
            Activity::SuccessReview,
            every_months(6),
            Channel::VirtualMeeting,
            format!("{HANDBOOK} 2.1 (success reviews every 6 months)"),
        ),
        item(
            Activity::GapAnalysis,
            Cadence::EveryMonths {
                months: 12,
                offset_months: Some(6),
            },
            Channel::VirtualMeeting,
            format!("{HANDBOOK} 2.1 (gap analysis once a year); mid-year placement is cs-core's choice"),
        ),
        item(
            Activity::ProactiveOutreach,
            every_months(1),
            Channel::Digital,
            format!("{HANDBOOK} 2.1 (proactive digital touch: email, blogs); monthly is cs-core's choice"),
        ),
    ];
    e.extend(handbook_common());
    package(
        "commerce",
        TouchModel::Digital,
        "Digital-touch package: reviews every 6 months, a yearly gap analysis, virtual meetings and digital content",
        format!("{HANDBOOK} section 2"),
        e,
    )
}

fn enterprise() -> SuccessPackage {
    let mut e = vec![
        item(
            Activity::CsmIntroduction,
            at_start(0),
            Channel::VirtualMeeting,
            format!("{HANDBOOK} 2.1 (named CSM introduced, activities explained)"),
        ),
        item(
            Activity::Kickoff,
            at_start(14),
            Channel::OnSiteIfLocationAllows,
            format!("{HANDBOOK} 2.1 (on-site preferred for Enterprise kickoffs); day 14 is cs-core's choice"),
        ),
        item(
            Activity::SuccessPlan,
            at_start(30),
            Channel::VirtualMeeting,
            format!("{HANDBOOK} 3.2 (plan agreed after the kickoff); day 30 is cs-core's choice"),
        ),
        item(
            Activity::SuccessReview,
            every_months(2),
            Channel::VirtualMeeting,
            format!("{HANDBOOK} 2.1 (bimonthly reviews; virtual preferred for regular catch-ups)"),
        ),
        item(
            Activity::GapAnalysis,
            Cadence::EveryMonths {
                months: 6,
                offset_months: Some(3),
            },
            Channel::OnSiteIfLocationAllows,
            format!(
                "{HANDBOOK} 2.1 (gap analysis every 6 months; virtual or on-site); months 3 and 9 are cs-core's choice"
            ),
        ),
        item(
            Activity::ProactiveOutreach,
            every_months(1),
            Channel::Phone,
            format!(
                "{HANDBOOK} 2.1 (proactive high touch); {SEGMENTS} 7 (contact by calls); monthly is cs-core's choice"
            ),
        ),
    ];
    e.extend(handbook_common());
    package(
        "enterprise",
        TouchModel::HighTouch,
        "High-touch package: reviews every 2 months, gap analysis every 6 months, virtual or on-site meetings",
        format!("{HANDBOOK} section 2"),
        e,
    )
}

fn community_segment() -> SuccessPackage {
    package(
        "community_segment",
        TouchModel::Digital,
        "Community strategy: email contact, setup guidance, community and support, automated webinars",
        format!("{SEGMENTS} section 6"),
        vec![
            item(
                Activity::CsmIntroduction,
                at_start(0),
                Channel::Email,
                format!(
                    "{SEGMENTS} 6, 9 (contact by email, welcome email); {FRAMEWORK} (tell customers what they are entitled to)"
                ),
            ),
            item(
                Activity::Training,
                at_start(7),
                Channel::Email,
                format!("{SEGMENTS} 6 (basic setup and configuration guidance); day 7 is cs-core's choice"),
            )
            .named("setup_guidance"),
            item(
                Activity::ProactiveOutreach,
                every_months(1),
                Channel::Email,
                format!("{SEGMENTS} 6 (connection to community and support); monthly is cs-core's choice"),
            ),
            item(
                Activity::Training,
                every_months(3),
                Channel::Webinar,
                format!(
                    "{SEGMENTS} 6 (automated invitation to a live webinar); quarterly is cs-core's choice"
                ),
            )
            .named("webinar"),
            item(
                Activity::FeedbackMonitoring,
                every_months(1),
                Channel::Internal,
                format!("{SEGMENTS} 14 (account health and usage metrics); monthly is cs-core's choice"),
            ),
            item(
                Activity::NpsSurvey,
                before_anniversary(2),
                Channel::Email,
                format!("{SEGMENTS} 14 (NPS as a key metric); timing as in {HANDBOOK} 2.2"),
            ),
        ],
    )
}

fn enterprise_segment() -> SuccessPackage {
    package(
        "enterprise_segment",
        TouchModel::HighTouch,
        "Enterprise strategy: contact by calls, product and goal reviews, follow-up, escalation of risky accounts",
        format!("{SEGMENTS} section 7"),
        vec![
            item(
                Activity::CsmIntroduction,
                at_start(0),
                Channel::Phone,
                format!("{SEGMENTS} 7, 9 (contact by calls, welcome call)"),
            ),
            item(
                Activity::Kickoff,
                at_start(14),
                Channel::Phone,
                format!(
                    "{SEGMENTS} 7 (review goals and expectations, readiness and risks); day 14 is cs-core's choice"
                ),
            ),
            item(
                Activity::SuccessPlan,
                at_start(30),
                Channel::Phone,
                format!("{SEGMENTS} 10 (success plan and key success metrics); day 30 is cs-core's choice"),
            ),
            item(
                Activity::SuccessReview,
                every_months(3),
                Channel::Phone,
                format!("{SEGMENTS} 7, 11 (review products; quarterly business reviews)"),
            ),
            item(
                Activity::CheckIn,
                every_months(1),
                Channel::Phone,
                format!("{SEGMENTS} 7, 9 (follow up; regular check-in); monthly is cs-core's choice"),
            ),
            item(
                Activity::FeedbackMonitoring,
                every_months(1),
                Channel::Internal,
                format!(
                    "{SEGMENTS} 7 (escalation of risky accounts needs monitoring; the escalation itself is a playbook trigger)"
                ),
            ),
            item(
                Activity::InternalRenewalReview,
                before_anniversary(3),
                Channel::Internal,
                format!("{SEGMENTS} 5 (drive renewals); lead time from {HANDBOOK} 2.2"),
            ),
            item(
                Activity::NpsSurvey,
                before_anniversary(2),
                Channel::Email,
                format!("{SEGMENTS} 14 (NPS as a key metric); timing as in {HANDBOOK} 2.2"),
            ),
        ],
    )
}

fn strategic_segment() -> SuccessPackage {
    package(
        "strategic_segment",
        TouchModel::Personal,
        "Strategic strategy: personal contact, executive outreach and sponsor, key contacts confirmed",
        format!("{SEGMENTS} section 8"),
        vec![
            item(
                Activity::CsmIntroduction,
                at_start(0),
                Channel::OnSiteIfLocationAllows,
                format!("{SEGMENTS} 8 (personal contact, introduce resources and engagement model)"),
            ),
            item(
                Activity::Kickoff,
                at_start(14),
                Channel::OnSiteIfLocationAllows,
                format!("{SEGMENTS} 8 (begin transition from implementation); day 14 is cs-core's choice"),
            ),
            item(
                Activity::ExecutiveSponsorMeeting,
                at_start(30),
                Channel::OnSiteIfLocationAllows,
                format!("{SEGMENTS} 8 (executive outreach program and sponsor selection); day 30 is cs-core's choice"),
            )
            .named("sponsor_selection"),
            item(
                Activity::KeyContactReview,
                at_start(30),
                Channel::VirtualMeeting,
                format!("{SEGMENTS} 8 (confirm key contacts); day 30 is cs-core's choice"),
            )
            .named("key_contacts"),
            item(
                Activity::SuccessPlan,
                at_start(45),
                Channel::VirtualMeeting,
                format!("{SEGMENTS} 10 (success plan and key success metrics); day 45 is cs-core's choice"),
            ),
            item(
                Activity::SuccessReview,
                every_months(3),
                Channel::OnSiteIfLocationAllows,
                format!("{SEGMENTS} 11 (quarterly business reviews tied to the success plan)"),
            ),
            item(
                Activity::CheckIn,
                every_months(1),
                Channel::VirtualMeeting,
                format!("{SEGMENTS} 8, 9 (personal contact, regular check-in); monthly is cs-core's choice"),
            ),
            item(
                Activity::ExecutiveSponsorMeeting,
                every_months(6),
                Channel::OnSiteIfLocationAllows,
                format!("{SEGMENTS} 8 (executive outreach program); twice a year is cs-core's choice"),
            )
            .named("executive_outreach"),
            item(
                Activity::KeyContactReview,
                before_anniversary(4),
                Channel::VirtualMeeting,
                format!("{FRAMEWORK} Secure Renewal (ask the right person for the renewal); 4 months is cs-core's choice"),
            )
            .named("renewal_contacts"),
            item(
                Activity::FeedbackMonitoring,
                every_months(1),
                Channel::Internal,
                format!("{SEGMENTS} 14 (account health, usage, NPS); monthly is cs-core's choice"),
            ),
            item(
                Activity::InternalRenewalReview,
                before_anniversary(3),
                Channel::Internal,
                format!("{SEGMENTS} 5 (drive renewals); lead time from {HANDBOOK} 2.2"),
            ),
            item(
                Activity::NpsSurvey,
                before_anniversary(2),
                Channel::Email,
                format!("{SEGMENTS} 14 (NPS as a key metric); timing as in {HANDBOOK} 2.2"),
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    #[test]
    fn every_builtin_package_is_valid_and_sourced() {
        for (p, name) in catalog().iter().zip(BUILTIN_PACKAGES) {
            assert_eq!(p.name, name);
            p.validate().unwrap();
            assert!(p.source.is_some());
            assert!(p.entitlements.iter().all(|e| e.source.is_some()), "{name}");
            assert_eq!(&builtin(name).unwrap(), p);
            assert_eq!(&SuccessPackage::from_toml(&p.to_toml().unwrap()).unwrap(), p);
        }
    }

    #[test]
    fn commerce_and_enterprise_differ_in_review_and_gap_analysis_cadence() {
        // docs/domain-sources.md, "Success packages": reviews every 6 vs 2 months, gap analysis 12 vs 6.
        let c = builtin("commerce").unwrap();
        let e = builtin("enterprise").unwrap();
        let cadence = |p: &SuccessPackage, l: &str| p.entitlement(l).unwrap().cadence;
        assert_eq!(cadence(&c, "success_review"), every_months(6));
        assert_eq!(cadence(&e, "success_review"), every_months(2));
        assert!(matches!(
            cadence(&c, "gap_analysis"),
            Cadence::EveryMonths { months: 12, .. }
        ));
        assert!(matches!(
            cadence(&e, "gap_analysis"),
            Cadence::EveryMonths { months: 6, .. }
        ));
        assert_eq!(
            e.entitlement("kickoff").unwrap().channel,
            Channel::OnSiteIfLocationAllows
        );
        assert_eq!(
            c.entitlement("proactive_outreach").unwrap().channel,
            Channel::Digital
        );
        for p in [&c, &e] {
            assert_eq!(cadence(p, "internal_renewal_review"), before_anniversary(3));
        }
    }

    #[test]
    fn aliases_and_unknown_names() {
        assert_eq!(builtin("Strategic").unwrap().name, "strategic_segment");
        assert_eq!(builtin("community").unwrap().touch_model, TouchModel::Digital);
        let e = builtin("gold").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("unknown success package \"gold\" (known: commerce, enterprise")
        );
    }

    #[test]
    fn custom_packages_shadow_builtins_in_resolve() {
        let mut mine = builtin("commerce").unwrap();
        mine.description = Some("ours".into());
        assert_eq!(
            resolve("COMMERCE", std::slice::from_ref(&mine))
                .unwrap()
                .description
                .as_deref(),
            Some("ours")
        );
        assert_eq!(resolve("enterprise", &[mine]).unwrap().name, "enterprise");
    }
}
