//! Refuses to start without a display, saying how to run under Xvfb instead.

/// `Err` with a message for the terminal when no graphical display is available.
pub fn check() -> Result<(), String> {
    if !cfg!(target_os = "linux") {
        return Ok(());
    }
    let has = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if has("DISPLAY") || has("WAYLAND_DISPLAY") {
        return Ok(());
    }
    Err("没有可用的图形显示（未设置 DISPLAY 或 WAYLAND_DISPLAY），无法打开 OneTrip 窗口。\n\
         在无显示器的机器上，请通过虚拟显示运行：xvfb-run -a npm start\n\
         No graphical display (DISPLAY and WAYLAND_DISPLAY are unset), so the OneTrip window cannot open.\n\
         On a machine without a display, run it under a virtual one: xvfb-run -a npm start"
        .into())
}
