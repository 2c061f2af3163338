/** Every half hour of the day as "HH:MM" (24-hour), plus `value` if it is off the grid. */
export function timeChoices(value: string): string[] {
  const grid = Array.from({ length: 48 }, (_, i) => `${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`);
  return grid.includes(value) ? grid : [...grid, value].sort();
}

/**
 * A time of day as "21:00", never "09:00 PM": Chromium's <input type="time"> follows the OS locale, not the page's, so
 * a select of 24-hour times is what a Chinese teacher reads the same on every PC.
 */
export function TimeOfDaySelect({ value, label, onChange }: { value: string; label: string; onChange: (v: string) => void }) {
  return (
    <select className="time-select" aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      {timeChoices(value).map((v) => (
        <option key={v} value={v}>
          {v}
        </option>
      ))}
    </select>
  );
}
