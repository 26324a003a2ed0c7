//! Saving model files under hostile conditions (`std` feature): concurrent saves of one path,
//! links planted where the temporary file goes, symbolic links at the model path, permissions,
//! the longest file names, and no temporary files left behind after success, failure or a crash.

use crate::common::Circles;
use constnet::io::{FileError, Model};
use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

fn model(seed: u64) -> Circles {
    Circles::random(&mut Xoshiro128PlusPlus::seed_from_u64(seed))
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn concurrent_saves_of_one_path_never_give_a_torn_or_failed_read() {
    const WRITERS: u64 = 8;
    const SAVES: usize = 50;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.cnet");
    let models: Vec<Circles> = (0..=WRITERS).map(model).collect();
    models[0].save(&path).unwrap();

    let done = AtomicBool::new(false);
    let loads = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let writers: Vec<_> = (1..=WRITERS as usize)
            .map(|k| {
                let (net, path) = (&models[k], &path);
                s.spawn(move || {
                    for i in 0..SAVES {
                        net.save(path).unwrap_or_else(|e| panic!("writer {k}, save {i}: {e}"));
                    }
                })
            })
            .collect();
        for _ in 0..2 {
            s.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    match Circles::load(&path) {
                        Ok(net) => assert!(models.contains(&net), "a load returned a model nobody saved"),
                        Err(e) => panic!("a load failed during concurrent saves: {e}"),
                    }
                    loads.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        for w in writers {
            w.join().unwrap();
        }
        done.store(true, Ordering::Relaxed);
    });
    assert!(loads.load(Ordering::Relaxed) > 0, "the readers never ran");
    let last = Circles::load(&path).unwrap();
    assert!(models[1..].contains(&last), "the file holds a model a writer saved");
    assert_eq!(names(dir.path()), ["shared.cnet"], "no temporary file is left");
}

#[cfg(unix)]
#[test]
fn links_planted_at_temporary_names_are_not_followed() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    fs::write(&victim, b"precious").unwrap();
    // The name the old implementation used, and names shaped like the new temporaries.
    let planted = [
        format!(".model.cnet.tmp-{}", std::process::id()),
        ".model.cnet.aaaaaaaaaa.cnet-tmp".to_owned(),
        ".model.cnet.tmp".to_owned(),
    ];
    for name in &planted {
        symlink(&victim, dir.path().join(name)).unwrap();
    }
    let path = dir.path().join("model.cnet");
    for seed in 0..20 {
        model(seed).save(&path).unwrap();
    }
    assert_eq!(fs::read(&victim).unwrap(), b"precious", "the victim file was written through a link");
    assert!(!fs::symlink_metadata(&path).unwrap().file_type().is_symlink(), "the model path became a link");
    assert_eq!(Circles::load(&path).unwrap(), model(19));
    for name in &planted {
        assert!(fs::symlink_metadata(dir.path().join(name)).unwrap().file_type().is_symlink(), "{name} was touched");
    }
}

#[cfg(unix)]
#[test]
fn a_model_path_that_is_a_link_is_written_through() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("store")).unwrap();
    let real = d.join("store").join("real.cnet");
    model(1).save(&real).unwrap();
    symlink("store/real.cnet", d.join("current.cnet")).unwrap();
    symlink(d.join("current.cnet"), d.join("alias.cnet")).unwrap();

    model(2).save(d.join("alias.cnet")).unwrap();
    // Both links are still links, and the file at the end of the chain holds the new model.
    for link in ["current.cnet", "alias.cnet"] {
        assert!(fs::symlink_metadata(d.join(link)).unwrap().file_type().is_symlink(), "{link}");
    }
    assert_eq!(Circles::load(&real).unwrap(), model(2));
    assert_eq!(names(d), ["alias.cnet", "current.cnet", "store"]);
    assert_eq!(names(&d.join("store")), ["real.cnet"]);

    // A dangling link: the save creates the file it points to.
    symlink("store/new.cnet", d.join("next.cnet")).unwrap();
    model(3).save(d.join("next.cnet")).unwrap();
    assert!(fs::symlink_metadata(d.join("next.cnet")).unwrap().file_type().is_symlink());
    assert_eq!(Circles::load(d.join("store").join("new.cnet")).unwrap(), model(3));
}

#[cfg(unix)]
#[test]
fn re_saving_keeps_the_permissions_and_a_new_file_gets_the_usual_ones() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    for wanted in [0o600, 0o640, 0o604, 0o444] {
        let path = dir.path().join(format!("m{wanted:o}.cnet"));
        model(1).save(&path).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(wanted)).unwrap();
        model(2).save(&path).unwrap();
        assert_eq!(mode(&path), wanted, "re-saving changed the mode {wanted:o}");
        assert_eq!(Circles::load(&path).unwrap(), model(2));
    }
    // A new model file gets what `File::create` gives (0o666 less the umask).
    let created = dir.path().join("created");
    fs::File::create(&created).unwrap();
    let fresh = dir.path().join("fresh.cnet");
    model(1).save(&fresh).unwrap();
    assert_eq!(mode(&fresh), mode(&created));
}

#[test]
fn the_longest_file_names_save_and_load() {
    let dir = tempfile::tempdir().unwrap();
    for len in [244, 250, 255] {
        let name = format!("{}.cnet", "n".repeat(len - 5));
        assert_eq!(name.len(), len);
        let path = dir.path().join(&name);
        model(len as u64).save(&path).unwrap_or_else(|e| panic!("{len}-byte name: {e}"));
        model(len as u64 + 1).save(&path).unwrap_or_else(|e| panic!("{len}-byte name, second save: {e}"));
        assert_eq!(Circles::load(&path).unwrap(), model(len as u64 + 1));
    }
    assert_eq!(names(dir.path()).len(), 3, "no temporary file is left");
}

#[test]
fn failed_saves_leave_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    // The rename fails after the model was written: the target is a non-empty directory.
    let target = dir.path().join("model.cnet");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("keep"), b"old").unwrap();
    let err = model(1).save(&target).unwrap_err();
    assert!(matches!(err, FileError::Io { operation: "rename the temporary file over the model file", .. }), "{err}");
    assert_eq!(names(dir.path()), ["model.cnet"]);
    assert_eq!(fs::read(target.join("keep")).unwrap(), b"old");
    // No file name to save under.
    let err = model(1).save(dir.path().join("..")).unwrap_err();
    assert!(matches!(err, FileError::Io { operation: "name the model file", .. }), "{err}");
    assert!(err.to_string().contains("expected a file name"), "{err}");
    assert_eq!(names(dir.path()), ["model.cnet"]);
}

#[cfg(unix)]
#[test]
fn a_save_into_a_read_only_directory_fails_and_leaves_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    fs::create_dir(&locked).unwrap();
    model(1).save(locked.join("model.cnet")).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).unwrap();
    let writable = fs::File::create(locked.join("probe")).is_ok(); // root ignores the mode
    if writable {
        fs::remove_file(locked.join("probe")).unwrap();
    }
    let result = model(2).save(locked.join("model.cnet"));
    let after = names(&locked);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(after, ["model.cnet"], "a temporary file was left");
    if writable {
        println!("running with permission to write into a 0o555 directory (root?): only the cleanup is checked");
        result.unwrap();
    } else {
        let err = result.unwrap_err();
        assert!(matches!(err, FileError::Io { operation: "create the temporary file", .. }), "{err}");
        assert_eq!(Circles::load(locked.join("model.cnet")).unwrap(), model(1), "the old model is intact");
    }
}

#[test]
fn temporaries_of_crashed_saves_are_removed_by_the_next_save() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let stale = ".model.cnet.AAAAAAAAAA.cnet-tmp";
    let recent = ".model.cnet.BBBBBBBBBB.cnet-tmp";
    let other_model = ".other.cnet.CCCCCCCCCC.cnet-tmp";
    let not_ours = ".model.cnet.DDDD.cnet-tmp";
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    for name in [stale, recent, other_model, not_ours] {
        let file = fs::File::create(d.join(name)).unwrap();
        if name != recent {
            file.set_modified(an_hour_ago).unwrap();
        }
    }
    model(1).save(d.join("model.cnet")).unwrap();
    // Only the old temporary of this model goes: a recent one may belong to a save in progress,
    // and the others are not this model's temporaries.
    let mut expected = vec!["model.cnet", recent, other_model, not_ours];
    expected.sort_unstable();
    assert_eq!(names(d), expected);
}
