//! Variable lookup that knows the aliases it read and tells set-but-empty from unset.

use std::cell::RefCell;
use std::collections::HashMap;

use super::error::ConfigError;

pub struct EnvVars<'a> {
    vars: &'a HashMap<String, String>,
    read: RefCell<Vec<String>>,
}

impl<'a> EnvVars<'a> {
    pub fn new(vars: &'a HashMap<String, String>) -> Self {
        Self {
            vars,
            read: Default::default(),
        }
    }

    pub fn all(&self) -> &HashMap<String, String> {
        self.vars
    }

    pub fn is_set(&self, name: &str) -> bool {
        self.vars.get(name).is_some_and(|v| !v.trim().is_empty())
    }

    /// The first of `names` that is set (the canonical name first, then its aliases), trimmed.
    /// A name present but empty counts as unset, except for a secret, where it is a mistake.
    /// Two names of one setting with different values are refused.
    pub fn get(&self, names: &[&str]) -> Result<Option<String>, ConfigError> {
        let set: Vec<(&str, String)> = names
            .iter()
            .filter_map(|name| {
                let value = self.vars.get(*name)?.trim();
                (!value.is_empty()).then(|| (*name, value.to_owned()))
            })
            .collect();
        if let [(first, a), rest @ ..] = set.as_slice() {
            if let Some((other, _)) = rest.iter().find(|(_, b)| b != a) {
                return Err(ConfigError::ConflictingNames {
                    first: first.to_string(),
                    other: other.to_string(),
                });
            }
            let label = if *first == names[0] {
                first.to_string()
            } else {
                format!("{} (as {first})", names[0])
            };
            self.read.borrow_mut().push(label);
            return Ok(Some(a.clone()));
        }
        if names[0].ends_with("_SECRET") && self.vars.contains_key(names[0]) {
            return Err(ConfigError::EmptySecret {
                name: names[0].to_owned(),
            });
        }
        Ok(None)
    }

    /// The names read so far (aliases as `CANONICAL (as ALIAS)`), never their values.
    pub fn read_names(&self) -> Vec<String> {
        self.read.borrow().clone()
    }
}
