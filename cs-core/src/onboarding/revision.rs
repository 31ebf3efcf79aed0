use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Error, Result};

/// Top-level plan fields that are history, not content: revisions cannot edit them.
const HISTORY_FIELDS: [&str; 3] = ["schema_version", "revisions", "reviews"];

/// One recorded change of a revision, with enough information to undo it exactly.
///
/// A `path` addresses a field of the plan's JSON form with `/`-separated segments: object keys,
/// and for lists either the `id` of an element (goals, action items) or its 0-based index
/// (challenges, opportunities, important dates), e.g. `goals/first-report/metric/current` or
/// `challenges/0/mitigation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// A field changed from one value to another.
    Set {
        /// The field.
        path: String,
        /// The value before.
        from: Value,
        /// The value after.
        to: Value,
    },
    /// An element was inserted into the list at `path`, at `index`.
    Insert {
        /// The list.
        path: String,
        /// Where the element was inserted.
        index: usize,
        /// The element.
        value: Value,
    },
    /// The element at `index` of the list at `path` was removed.
    Remove {
        /// The list.
        path: String,
        /// Where the element was.
        index: usize,
        /// The element removed.
        value: Value,
    },
}

impl Change {
    /// The path the change applies to.
    pub fn path(&self) -> &str {
        match self {
            Change::Set { path, .. } | Change::Insert { path, .. } | Change::Remove { path, .. } => path,
        }
    }

    /// Undoes the change on the plan's JSON form; the plan must hold the change's result.
    pub(crate) fn undo(&self, plan: &mut Value) -> Result<()> {
        check_editable(self.path())?;
        match self {
            Change::Set { path, from, to } => {
                let slot = resolve_mut(plan, path)?;
                if !same(slot, to) {
                    return Err(mismatch(path, to, slot));
                }
                *slot = from.clone();
            }
            Change::Insert { path, index, value } => {
                let list = resolve_list(plan, path)?;
                match list.get(*index) {
                    Some(v) if same(v, value) => {
                        list.remove(*index);
                    }
                    Some(v) => return Err(mismatch(&format!("{path}/{index}"), value, v)),
                    None => return Err(index_error(path, *index, list.len())),
                }
            }
            Change::Remove { path, index, value } => {
                let list = resolve_list(plan, path)?;
                if *index > list.len() {
                    return Err(index_error(path, *index, list.len()));
                }
                list.insert(*index, value.clone());
            }
        }
        Ok(())
    }
}

/// One edit to apply with [`JointImpactPlan::revise`](super::JointImpactPlan::revise); the
/// plan records it as a [`Change`] with the value it replaced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Edit {
    /// Set the field at `path` to `value`.
    Set {
        /// The field (see [`Change`] for the path syntax).
        path: String,
        /// The new value, in JSON form.
        value: Value,
    },
    /// Insert `value` into the list at `path`, at `index` (at the end when `None`).
    Insert {
        /// The list.
        path: String,
        /// Where to insert.
        #[serde(default)]
        index: Option<usize>,
        /// The new element, in JSON form.
        value: Value,
    },
    /// Remove the list element at `path` (e.g. `action_items/kickoff-deck`).
    Remove {
        /// The element.
        path: String,
    },
}

impl Edit {
    /// Applies the edit to the plan's JSON form and returns the change to record.
    pub(crate) fn apply(self, plan: &mut Value) -> Result<Change> {
        match self {
            Edit::Set { path, value } => {
                check_editable(&path)?;
                let slot = resolve_mut(plan, &path)?;
                let from = std::mem::replace(slot, value.clone());
                Ok(Change::Set {
                    path,
                    from,
                    to: value,
                })
            }
            Edit::Insert { path, index, value } => {
                check_editable(&path)?;
                let list = resolve_list(plan, &path)?;
                let index = index.unwrap_or(list.len());
                if index > list.len() {
                    return Err(index_error(&path, index, list.len()));
                }
                list.insert(index, value.clone());
                Ok(Change::Insert { path, index, value })
            }
            Edit::Remove { path } => {
                check_editable(&path)?;
                let (parent, last) = path
                    .rsplit_once('/')
                    .ok_or_else(|| Error::invalid("revision path", &path, "does not name a list element"))?;
                let list = resolve_list(plan, parent)?;
                let index = find_index(list, last).ok_or_else(|| unknown_field(&path, list_keys(list)))?;
                let value = list.remove(index);
                Ok(Change::Remove {
                    path: parent.to_owned(),
                    index,
                    value,
                })
            }
        }
    }
}

/// A revision of a plan: who changed what, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    /// 1 for the first revision, then consecutive.
    pub number: u32,
    /// Who made the change.
    pub author: String,
    /// When (local time of the plan's owner; revisions are in time order).
    pub at: NaiveDateTime,
    /// What changed, in words (e.g. "Q1 review: adoption target raised").
    #[serde(default)]
    pub summary: String,
    /// What changed, field by field; at least one change.
    pub changes: Vec<Change>,
}

/// Whether the plan's value `held` matches the value a change recorded: numbers compare by
/// value (`5` matches `5.0`, since a plan's numbers are `f64` and hand-written changes may use
/// integers), and an object matches when every key the recorded object has matches (keys it
/// leaves out were filled with their defaults when the plan was read).
fn same(held: &Value, recorded: &Value) -> bool {
    match (held, recorded) {
        (Value::Number(x), Value::Number(y)) => x == y || (x.as_f64().is_some() && x.as_f64() == y.as_f64()),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            y.iter().all(|(k, w)| same(x.get(k).unwrap_or(&Value::Null), w))
        }
        _ => held == recorded,
    }
}

fn check_editable(path: &str) -> Result<()> {
    let first = path.split('/').next().unwrap_or_default();
    if HISTORY_FIELDS.contains(&first) {
        return Err(Error::invalid(
            "revision path",
            path,
            "schema_version, revisions and reviews are history and cannot be edited",
        ));
    }
    Ok(())
}

fn mismatch(path: &str, expected: &Value, found: &Value) -> Error {
    Error::invalid(
        format!("revision change of {path}"),
        expected,
        format!("the plan holds {found} there, so the revision history does not lead to this plan"),
    )
}

fn index_error(path: &str, index: usize, len: usize) -> Error {
    Error::out_of_range(format!("{path} index"), index, format!("0..={len}"))
}

fn unknown_field(path: &str, known: Vec<String>) -> Error {
    Error::unknown("plan field", path, known)
}

fn list_keys(list: &[Value]) -> Vec<String> {
    list.iter()
        .enumerate()
        .map(|(i, v)| match v.get("id").and_then(Value::as_str) {
            Some(id) => id.to_owned(),
            None => i.to_string(),
        })
        .collect()
}

/// Index of the list element named by `segment`: the element whose `id` equals it, else the
/// segment read as an index.
fn find_index(list: &[Value], segment: &str) -> Option<usize> {
    if let Some(i) = list
        .iter()
        .position(|v| v.get("id").and_then(Value::as_str) == Some(segment))
    {
        return Some(i);
    }
    let has_ids = list.first().is_some_and(|v| v.get("id").is_some());
    match segment.parse::<usize>() {
        Ok(i) if !has_ids && i < list.len() => Some(i),
        _ => None,
    }
}

/// The value at `path`; an unknown key, id or index is [`Error::Unknown`] naming the full path
/// and the names known at that level.
fn resolve_mut<'v>(root: &'v mut Value, path: &str) -> Result<&'v mut Value> {
    if path.is_empty() {
        return Err(Error::missing("revision path"));
    }
    let mut node = root;
    for segment in path.split('/') {
        node = match node {
            Value::Object(map) => {
                let known: Vec<String> = map.keys().cloned().collect();
                map.get_mut(segment).ok_or_else(|| unknown_field(path, known))?
            }
            Value::Array(list) => {
                let i = find_index(list, segment).ok_or_else(|| unknown_field(path, list_keys(list)))?;
                &mut list[i]
            }
            _ => return Err(unknown_field(path, Vec::new())),
        };
    }
    Ok(node)
}

fn resolve_list<'v>(root: &'v mut Value, path: &str) -> Result<&'v mut Vec<Value>> {
    match resolve_mut(root, path)? {
        Value::Array(list) => Ok(list),
        other => Err(Error::invalid(
            "revision path",
            path,
            format!("is not a list (holds {other})"),
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)]
mod tests {
    use serde_json::json;

    use super::*;

    fn doc() -> Value {
        json!({"goals": [{"id": "a", "metric": {"current": 1}}, {"id": "b", "metric": null}],
               "challenges": [{"description": "x"}], "title": "t", "reviews": []})
    }

    #[test]
    fn set_then_undo_restores_the_value() {
        let mut v = doc();
        let change = Edit::Set {
            path: "goals/a/metric/current".into(),
            value: json!(5),
        }
        .apply(&mut v)
        .unwrap();
        assert_eq!(
            change,
            Change::Set {
                path: "goals/a/metric/current".into(),
                from: json!(1),
                to: json!(5)
            }
        );
        change.undo(&mut v).unwrap();
        assert_eq!(v, doc());
    }

    #[test]
    fn insert_and_remove_by_id_and_index_undo_exactly() {
        let mut v = doc();
        let ins = Edit::Insert {
            path: "goals".into(),
            index: Some(1),
            value: json!({"id": "c"}),
        }
        .apply(&mut v)
        .unwrap();
        let rem = Edit::Remove {
            path: "goals/a".into(),
        }
        .apply(&mut v)
        .unwrap();
        let rem2 = Edit::Remove {
            path: "challenges/0".into(),
        }
        .apply(&mut v)
        .unwrap();
        assert_eq!(v["goals"], json!([{"id": "c"}, {"id": "b", "metric": null}]));
        for c in &[rem2, rem, ins] {
            c.undo(&mut v).unwrap();
        }
        assert_eq!(v, doc());
    }

    #[test]
    fn unknown_field_is_named_with_the_known_ones() {
        let mut v = doc();
        let err = Edit::Set {
            path: "goals/a/metric/curent".into(),
            value: json!(2),
        }
        .apply(&mut v)
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown plan field \"goals/a/metric/curent\" (known: current)"
        );
        let err = Edit::Set {
            path: "goals/zz/title".into(),
            value: json!(2),
        }
        .apply(&mut v)
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown plan field \"goals/zz/title\" (known: a, b)"
        );
        // An index cannot address a list whose elements have ids.
        assert!(
            Edit::Set {
                path: "goals/0/id".into(),
                value: json!(2)
            }
            .apply(&mut v)
            .is_err()
        );
    }

    #[test]
    fn history_fields_cannot_be_edited() {
        let mut v = doc();
        let err = Edit::Insert {
            path: "reviews".into(),
            index: None,
            value: json!({}),
        }
        .apply(&mut v)
        .unwrap_err();
        assert!(
            err.to_string().starts_with("revision path reviews is invalid"),
            "{err}"
        );
    }

    #[test]
    fn undo_detects_a_history_that_does_not_lead_to_the_plan() {
        let mut v = doc();
        let c = Change::Set {
            path: "title".into(),
            from: json!("old"),
            to: json!("other"),
        };
        let err = c.undo(&mut v).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("revision change of title \"other\" is invalid"),
            "{err}"
        );
    }

    #[test]
    fn change_json_form() {
        let c = Change::Set {
            path: "title".into(),
            from: json!("a"),
            to: json!("b"),
        };
        let text = serde_json::to_string(&c).unwrap();
        assert_eq!(text, r#"{"op":"set","path":"title","from":"a","to":"b"}"#);
        assert_eq!(serde_json::from_str::<Change>(&text).unwrap(), c);
        assert!(serde_json::from_str::<Change>(r#"{"op":"set","path":"t","from":1,"to":2,"x":0}"#).is_err());
    }
}
