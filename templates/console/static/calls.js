// The calls page keeps its live part fresh: every 3 s it reloads /console/calls/live (an HTML fragment from
// our own server) into #live-calls and shows the waiting count in the tab title. Without script: Refresh.
(() => {
  const region = document.getElementById("live-calls");
  if (!region) return;
  const title = document.title;
  const showCount = () => {
    const card = region.querySelector("[data-waiting]");
    const waiting = card ? Number(card.dataset.waiting) : 0;
    document.title = waiting ? `(${waiting}) ${title}` : title;
  };
  const poll = async () => {
    try {
      const response = await fetch(region.dataset.liveUrl, { credentials: "same-origin", headers: { accept: "text/html" } });
      if (!response.ok || response.redirected) return false; // signed out: stop, the next click signs in again
      region.innerHTML = await response.text();
      showCount();
    } catch (error) {
      // the server is restarting or the network blinked: try again on the next tick
    }
    return true;
  };
  showCount();
  const timer = setInterval(async () => { if (!(await poll())) clearInterval(timer); }, 3000);
})();
